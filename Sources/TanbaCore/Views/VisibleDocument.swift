public import TanbaStore

/// A document as a reader may see it: accepted (and kept whole), or refused (only the receipt is kept).
public enum VisibleDocument: Sendable {
    case document(DocumentRecord)
    case rejection(RejectionRecord)

    /// The hub's signed receipt.
    public var receipt: [UInt8] {
        switch self {
        case .document(let document): document.receipt
        case .rejection(let rejection): rejection.receipt
        }
    }

    public var summary: DocumentSummary {
        switch self {
        case .document(let document): DocumentSummary(document)
        case .rejection(let rejection): DocumentSummary(rejection)
        }
    }
}
