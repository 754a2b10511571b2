/// Codes of the outbox of messages to other systems, as operators handle it.
extension ErrorCode {
    public static let outboxNotResendable = ErrorCode("OUTBOX_NOT_RESENDABLE")
}

extension ErrorCatalogue {
    /// The outbox's codes.
    public static let outbox: [ErrorDefinition] = [
        .init(
            code: .outboxNotResendable, category: .request,
            summary:
                "Only a dead message, or a pending one that has failed at least once, can be sent again: this one was "
                + "delivered, is waiting for its first delivery, or does not exist.")
    ]
}
