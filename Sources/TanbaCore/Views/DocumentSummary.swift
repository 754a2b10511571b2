public import Foundation
public import TanbaStore

/// A document as a list shows it (`GET /v1/inbox`, `/v1/outbox`, `/v1/documents/{id}/status`, and
/// `tanba documents list --json`): one JSON shape on every channel (OpenAPI `Summary`).
public struct DocumentSummary: Codable, Sendable, Hashable {
    public let id: String
    public let type: String
    public let sender: String
    public let recipient: String?
    public let number: String
    public let date: String
    public let status: String
    public let receivedAt: Date
    /// For a refused document, the first error's code (the receipt lists them all).
    public let code: String?
    /// The codes and packages the document changed, and the amount it states (`Totals/Amount`), when known.
    public let items: Int?
    public let amount: String?

    public init(_ record: DocumentRecord) {
        id = record.id
        type = record.type
        sender = record.sender
        recipient = record.recipient
        number = record.number
        date = record.date
        status = record.status.rawValue
        receivedAt = record.receivedAt
        code = record.code
        items = record.items
        amount = record.amount
    }

    /// A refusal: what could be read of the document, `rejected`, and the first error's code.
    public init(_ record: RejectionRecord) {
        id = record.id
        type = record.type ?? ""
        sender = record.sender ?? record.submitter ?? ""
        recipient = nil
        number = record.number ?? ""
        date = record.date ?? ""
        status = DocumentStatus.rejected.rawValue
        receivedAt = record.receivedAt
        code = record.code
        items = nil
        amount = nil
    }
}

/// One page of a document list: `next` is the cursor for `after`, null on the last page (`PageJSON`).
public typealias DocumentSummaryPage = PageJSON<DocumentSummary>

extension PageJSON where Item == DocumentSummary {
    /// The page as every channel shows it.
    public init(_ page: DocumentPage) {
        self.init("documents", items: page.documents.map(DocumentSummary.init), next: page.next?.encoded)
    }

    /// The page's documents, newest first.
    public var documents: [DocumentSummary] { items }
}
