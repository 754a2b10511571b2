import Foundation
public import TanbaErrors

/// What anyone learns by checking a code, without logging in: whether it is genuine, where it stands in plain
/// terms, and what the product is. Nothing private: no owner, stock, prices, counterparties or documents.
public struct PublicCheck: Sendable, Hashable, Codable {
    /// Whether the label is what the hub issued.
    public enum Authenticity: String, Sendable, Codable, CaseIterable {
        /// The verification tail scanned verifies with the hub's emission key, and the hub issued the code.
        case genuine
        /// The hub issued the code, but what was given carries no verification tail (typed by hand): the label
        /// itself is not proven. Scan or type the whole code.
        case tailNotGiven
        /// A transport package (SSCC) the hub knows; packages have no verification tail.
        case knownPackage
        /// A unit registered by an EAEU partner state's signed message (an arrival): issued by that state's system,
        /// whose key the hub does not hold, so its tail is that state's to verify; the hub vouches for the
        /// registration, not for the label.
        case registeredAbroad
        /// The tail does not verify (altered, copied onto another code, or made up) or names no key of the hub.
        case forged
        /// The hub never issued this code.
        case unknown
    }

    /// Where the code stands, in the words a buyer needs.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Introduced and not withdrawn: may be sold.
        case inCirculation
        /// Sold to a consumer (withdrawn as a retail or distance sale).
        case sold
        /// Withdrawn for another reason (`withdrawalReason` says which): must not be on sale.
        case withdrawn
        /// Issued but never put into circulation: must not be on sale.
        case notIntroduced
        /// Issued and cancelled: the code is void.
        case cancelled
        /// Not issued by the hub.
        case unknown
    }

    /// A package's contents, by product.
    public struct ContentLine: Sendable, Hashable, Codable {
        public let gtin: String?
        public let name: String?
        /// `unit`, `group` or `transport`.
        public let level: String
        public let count: Int
    }

    /// The code's identity: `01…21…` for a marking code, `00` + SSCC for a transport package.
    public let code: String
    /// `unit`, `group` or `transport`; nil for a code the hub does not know.
    public var level: String?
    /// True only for `genuine`, `knownPackage` and `registeredAbroad`.
    public var genuine: Bool
    public var authenticity: Authenticity
    public var status: Status
    /// For `withdrawn` and `sold`: the reason's code (reference/withdrawal-reasons.json).
    public var withdrawalReason: String?
    public var gtin: String?
    public var name: String?
    public var brand: String?
    /// The manufacturer as the product card names it.
    public var manufacturer: String?
    /// For imported goods: the importer's name and BIN (printed on the goods' label by law anyway).
    public var importer: String?
    public var importerBIN: String?
    /// For local production: the producer's name and BIN as registered.
    public var producer: String?
    public var producerBIN: String?
    /// ISO dates from the introduction document.
    public var productionDate: String?
    public var expiryDate: String?
    /// Whether `expiryDate` is before the day checked.
    public var expired: Bool?
    /// ISO 3166-1 alpha-2: the import's country of origin, else the product card's.
    public var country: String?
    /// The product group's code (reference/product-groups.json).
    public var productGroup: String?
    /// For a package: what is directly inside, by product.
    public var contents: [ContentLine]?
    /// Why the code is not genuine, as codes and sentences (the GS1 and verification codes).
    public var problems: [Diagnostic]

    public init(code: String) {
        self.code = code
        genuine = false
        authenticity = .unknown
        status = .unknown
        problems = []
    }

    /// What the check journal records, and what signals are raised on.
    public var outcome: String {
        switch authenticity {
        case .forged, .unknown: authenticity.rawValue
        default: status.rawValue
        }
    }
}
