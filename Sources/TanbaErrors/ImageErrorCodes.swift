/// Codes of `TanbaBarcode`: pictures the hub reads (photos of codes, violation reports' photos) and labels it prints.
extension ErrorCode {
    public static let imageUnsupported = ErrorCode("IMAGE_UNSUPPORTED")
    public static let imageTooLarge = ErrorCode("IMAGE_TOO_LARGE")
    public static let imageCorrupt = ErrorCode("IMAGE_CORRUPT")
    public static let barcodeNotFound = ErrorCode("BARCODE_NOT_FOUND")
    public static let barcodeNotGS1 = ErrorCode("BARCODE_NOT_GS1")
    public static let labelContentInvalid = ErrorCode("LABEL_CONTENT_INVALID")
}

extension ErrorCatalogue {
    /// The codes of pictures and labels.
    public static let images: [ErrorDefinition] = [
        .init(
            code: .imageUnsupported, category: .request,
            summary:
                "The picture is not a JPEG or PNG (told by its first bytes, never by its name), or is a kind of JPEG "
                + "the hub does not read (CMYK)."),
        .init(
            code: .imageTooLarge, category: .request,
            summary:
                "The picture's file is larger than the limit, or its header declares more pixels than the limit: it "
                + "is refused before any pixel is decoded."),
        .init(
            code: .imageCorrupt, category: .request,
            summary: "The picture cannot be decoded: it is truncated or its data is damaged."),
        .init(
            code: .barcodeNotFound, category: .request,
            summary: "No readable DataMatrix code was found in the picture within the time allowed."),
        .init(
            code: .barcodeNotGS1, category: .request,
            summary:
                "A DataMatrix code was read, but it is not a GS1 DataMatrix: it does not begin with FNC1, or it "
                + "carries characters a GS1 element string cannot have."),
        .init(
            code: .labelContentInvalid, category: .request,
            summary:
                "The text cannot be printed as a GS1 DataMatrix: it is empty, too long for the largest symbol, or "
                + "has characters outside GS1's set 82 or an empty element between group separators."),
    ]
}
