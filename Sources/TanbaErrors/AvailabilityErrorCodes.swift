/// Codes of the hub's own limits and of channel inputs that are not documents at all: answers that tell a
/// client to come back later, or a drop-folder item that is refused unread.
extension ErrorCode {
    public static let storeUnavailable = ErrorCode("STORE_UNAVAILABLE")
    public static let serviceBusy = ErrorCode("SERVICE_BUSY")
    public static let fileNotRegular = ErrorCode("FILE_NOT_REGULAR")
}

extension ErrorCatalogue {
    /// Capacity, availability and channel-input codes.
    public static let availability: [ErrorDefinition] = [
        .init(
            code: .storeUnavailable, category: .internal,
            summary:
                "The store cannot take writes at the moment (disk full, locked or failing): nothing was changed; "
                + "send again after the Retry-After seconds."),
        .init(
            code: .serviceBusy, category: .internal,
            summary:
                "The hub is at one of its capacity limits (memory for request bodies in flight, login challenges "
                + "outstanding): send again after the Retry-After seconds."),
        .init(
            code: .fileNotRegular, category: .request,
            summary:
                "A drop-folder item is not a regular file of the participant's own folder (a directory, FIFO, device "
                + "or symbolic link): it was moved to error/ without being read."),
    ]
}
