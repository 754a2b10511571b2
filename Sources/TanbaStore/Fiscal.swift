public import Foundation

/// What a cash receipt records: a sale at the till, or a refund of one.
public enum FiscalReceiptKind: String, Sendable, Codable, CaseIterable {
    /// Sold to a consumer (the OFD protocol's SELL): the code leaves circulation as a retail sale.
    case sale
    /// Returned by the consumer (SELL_RETURN): the code comes back into circulation.
    case refund
}

/// One line of a cash receipt as the hub recorded it: the code sold or returned, and what the hub made of it.
public struct FiscalLineRecord: Sendable, Hashable, Codable {
    /// 1-based, in the receipt's order.
    public let line: Int
    /// The code's identity (`01` GTIN `21` serial).
    public let code: String
    public let gtin: String
    /// The price as the receipt states it.
    public let price: String
    /// Nil when the line was applied (sold or returned); the violation it raised otherwise. The code's state did
    /// not change then: the hub records the fact and the inspectors judge it.
    public let violation: ViolationKind?
    /// Why, in words (for a violation): what the code's record said when the line was decided.
    public let message: String?

    public init(
        line: Int, code: String, gtin: String, price: String, violation: ViolationKind? = nil, message: String? = nil
    ) {
        self.line = line
        self.code = code
        self.gtin = gtin
        self.price = price
        self.violation = violation
        self.message = message
    }
}

/// A cash receipt an OFD relayed, as the hub recorded it: applied once, whatever number of times it arrives.
public struct FiscalReceiptRecord: Sendable, Hashable, Codable {
    /// `FR-<register>-<fiscal sign>`: the receipt's key, unique in the store (the database refuses a second one),
    /// and the `document` of the history entries it made.
    public let id: String
    /// The cash register's registration number (РНМ) and, when given, its serial number.
    public let register: String
    public let registerSerial: String?
    /// The receipt's fiscal sign: unique per register.
    public let fiscalSign: String
    /// The OFD that relayed it (BIN) and its batch.
    public let ofd: String
    public let batch: String
    /// The seller (BIN/IIN).
    public let seller: String
    public let kind: FiscalReceiptKind
    /// When the till printed it, and when the hub recorded it.
    public let issuedAt: Date
    public let receivedAt: Date
    /// SHA-256 (hex) of what the receipt states (seller, kind, time, lines): the same key with other content is a
    /// conflict, not a repeat.
    public let digest: String
    public let lines: [FiscalLineRecord]

    public init(
        register: String, registerSerial: String?, fiscalSign: String, ofd: String, batch: String, seller: String,
        kind: FiscalReceiptKind, issuedAt: Date, receivedAt: Date, digest: String, lines: [FiscalLineRecord]
    ) {
        id = Self.id(register: register, fiscalSign: fiscalSign)
        self.register = register
        self.registerSerial = registerSerial
        self.fiscalSign = fiscalSign
        self.ofd = ofd
        self.batch = batch
        self.seller = seller
        self.kind = kind
        self.issuedAt = issuedAt
        self.receivedAt = receivedAt
        self.digest = digest
        self.lines = lines
    }

    /// The key of a register's receipt.
    public static func id(register: String, fiscalSign: String) -> String { "FR-\(register)-\(fiscalSign)" }

    /// Whether a history entry's document is a fiscal receipt (not a document the hub stores).
    public static func isReceipt(_ document: String) -> Bool { document.hasPrefix("FR-") }
}

/// Fiscal receipts, for stores that keep them (every `HubStore` does, since migration v17).
public protocol FiscalReader {
    /// The stored receipts with these ids (`FiscalReceiptRecord.id`), by id.
    func fiscalReceipts(ids: [String]) throws -> [String: FiscalReceiptRecord]
    /// The receipts with a line naming `code`, newest first (by the till's time), each with all its lines.
    func fiscalReceipts(code: String, limit: Int) throws -> [FiscalReceiptRecord]
    /// Receipts recorded at or after `since` that have a line with a violation, oldest first: what the filing of
    /// their violations is repaired from (`FiscalIntake.refile`).
    func fiscalReceiptsWithViolations(since: Date, limit: Int) throws -> [FiscalReceiptRecord]
}

public protocol FiscalWriter: FiscalReader {
    /// Records receipts with their lines.
    /// - Throws: `STORE_CONFLICT`, writing nothing, when one of them is stored already (the same receipt recorded
    ///   meanwhile by another request): the caller decides again.
    func save(_ receipts: [FiscalReceiptRecord]) throws
}
