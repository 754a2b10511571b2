public import TanbaDomain
import TanbaErrors
public import TanbaStore

/// A document list query: whose list (an inbox or outbox, or the operator's view of every document) and its
/// filters and keyset paging, parsed from name=value text by the one parser every channel uses. HTTP reads its
/// query string with it, `tanba documents list` its options: the same names, the same refusals.
public enum DocumentQuery {
    /// Which list: a participant's inbox (documents addressed to it) or outbox (documents it sent or submitted).
    public enum Box: String, Sendable, CaseIterable {
        case inbox, outbox
    }

    /// The filter parameters, by name: `type` (a code of reference list `document-types`), `status`
    /// (`DocumentStatus`), `counterparty` (a BIN or IIN: the other side), `number` (the sender's document number,
    /// exactly), `from` and `to` (received, an instant
    /// or a whole UTC day), `dateFrom` and `dateTo` (the document's own date), `after` (a page's `next` cursor)
    /// and `limit` (1 to 1000, default 100).
    public static let parameters: Set<String> = [
        "type", "status", "counterparty", "number", "from", "to", "dateFrom", "dateTo", "after", "limit",
    ]

    /// The filter of `participant`'s `box`, from name=value pairs.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming the first parameter that is unknown, repeated or malformed.
    public static func filter(
        _ pairs: some Sequence<(String, String)>, box: Box, participant: String, reference: ReferenceData,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> DocumentFilter {
        let query = try QueryText(pairs, known: parameters, naming: naming)
        var filter = try self.filter(query, reference: reference)
        let inbox = box == .inbox
        let counterparty = filter.sender
        // The other side: who sent to my inbox, or whom my outbox sent to.
        filter.sender = inbox ? counterparty : participant
        filter.recipient = inbox ? participant : counterparty
        return filter
    }

    /// The filter the parameters describe, with `counterparty` as its sender and no recipient: an operator's view
    /// of every document, which the caller narrows (`filter(_:box:participant:reference:naming:)` does for a box).
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming the first parameter that is malformed.
    public static func filter(_ query: QueryText, reference: ReferenceData) throws -> DocumentFilter {
        var filter = DocumentFilter(limit: try query.integer("limit", in: 1...1000, default: 100))
        if let type = try query.string("type") {
            let types = reference.lists["document-types"]
            guard types?.item(type) != nil else {
                let known = types?.items.map(\.code).joined(separator: ", ") ?? ""
                throw query.invalid("type", "names no document type: '\(type)' (known: \(known))")
            }
            filter.type = type
        }
        if let status = try query.string("status") {
            guard let value = DocumentStatus(rawValue: status) else {
                let known = DocumentStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw query.invalid("status", "must be one of \(known), not '\(status)'")
            }
            filter.status = value
        }
        if let counterparty = try query.string("counterparty") {
            do { _ = try KazakhIdentifier(counterparty) } catch let error as TanbaError {
                throw query.invalid("counterparty", "must be a BIN or IIN: \(error.message)")
            }
            filter.sender = counterparty
        }
        filter.receivedFrom = try query.instant("from", endOfDay: false)
        filter.receivedBefore = try query.instant("to", endOfDay: true)
        filter.dateFrom = try query.date("dateFrom")
        filter.dateTo = try query.date("dateTo")
        if let number = try query.string("number") {
            guard (1...100).contains(number.count) else { throw query.invalid("number", "must be 1 to 100 characters") }
            filter.number = number
        }
        filter.after = try query.cursor("after", DocumentCursor.init(encoded:))
        return filter
    }
}
