public import Foundation
public import TanbaDomain

/// Where goods of one GTIN came from, as the document that put them into circulation says: what a public check
/// shows beside the product card (production and expiry dates, the importer, the country of origin).
public struct GoodsOrigin: Sendable, Hashable, Codable {
    /// How goods enter circulation.
    public enum Kind: String, Sendable, Codable {
        case production, `import`
    }

    /// The introduction document's id.
    public let document: String
    public let gtin: String
    public let kind: Kind
    /// The producer or importer (BIN/IIN) that introduced the goods.
    public let introducer: String
    /// ISO dates (`YYYY-MM-DD`) as the document gives them.
    public let productionDate: String?
    public let expiryDate: String?
    public let batch: String?
    /// ISO 3166-1 alpha-2, for imports (the document's country of origin).
    public let country: String?

    public init(
        document: String, gtin: String, kind: Kind, introducer: String, productionDate: String? = nil,
        expiryDate: String? = nil, batch: String? = nil, country: String? = nil
    ) {
        self.document = document
        self.gtin = gtin
        self.kind = kind
        self.introducer = introducer
        self.productionDate = productionDate
        self.expiryDate = expiryDate
        self.batch = batch
        self.country = country
    }
}

/// Where a violation report stands in the inspectors' triage.
public enum ViolationStatus: String, Sendable, Codable, CaseIterable {
    case new, inReview, confirmed, dismissed
}

/// What was seen: the kinds a reporter chooses from, and the signals the hub raises itself.
public enum ViolationKind: String, Sendable, Codable, CaseIterable {
    /// The code's verification tail does not verify, or the hub never issued it.
    case notGenuine
    /// The goods are offered though the code is withdrawn or was never introduced.
    case notInCirculation
    case expired
    case soldWithoutCode
    case other
    /// Signal: one code checked from places too far apart to be one item (a copied label).
    case clonedCode
    /// Fiscal data: a code sold at a till though it was sold already (withdrawn as a retail or distance sale and
    /// not returned).
    case soldTwice
    /// Fiscal data: a code sold though it is not in circulation (issued, applied, withdrawn for another reason,
    /// cancelled, locked by a shipment in transit) or was never issued by the hub.
    case soldOutOfCirculation
    /// Fiscal data: a code sold by a seller that does not hold it (the goods never reached it through a shipment).
    case soldNotOwned
    /// Fiscal data: a refund of a code that this seller did not sell (not withdrawn as its retail sale).
    case refundNotSold

    /// The kinds a member of the public may report (the others are the hub's signals).
    public static let reportable: [ViolationKind] = [
        .notGenuine, .notInCirculation, .expired, .soldWithoutCode, .other,
    ]
}

/// Who raised a violation.
public enum ViolationSource: String, Sendable, Codable, CaseIterable {
    /// A member of the public, through the public page or API.
    case report
    /// The hub itself, from what public checks found.
    case signal
    /// The hub itself, from cash receipts an OFD relayed (fiscal data).
    case fiscal
}

/// A violation report or signal, as filed.
public struct ViolationReport: Sendable, Hashable, Codable {
    /// The reference number the reporter is given (`V-` and 10 characters): it is the only key to the report's
    /// status, so it is random and long enough not to be guessed.
    public let reference: String
    public let source: ViolationSource
    public let kind: ViolationKind
    /// The code's identity (`01…21…` or `00`+SSCC) when the report names one.
    public var code: String?
    public var gtin: String?
    public var productGroup: String?
    /// The participant concerned: the code's owner, or its introducer.
    public var participant: String?
    /// ISO 3166-2:KZ region code (`KZ-75`).
    public var region: String?
    public var shop: String?
    public var address: String?
    public var latitude: Double?
    public var longitude: Double?
    public var description: String?
    public var contact: String?
    /// The photo as re-encoded by the hub (no metadata), and its media type.
    public var photo: [UInt8]?
    public var photoType: String?
    public var status: ViolationStatus
    public let createdAt: Date
    public var updatedAt: Date
    /// Signals only: what makes two signals the same (one per kind, code and day), so that repeated checks raise
    /// one entry. Unique in the store.
    public var signalKey: String?

    public init(
        reference: String, source: ViolationSource, kind: ViolationKind, status: ViolationStatus = .new,
        createdAt: Date
    ) {
        self.reference = reference
        self.source = source
        self.kind = kind
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// One step of a report's triage: a status set, with the inspector's comment.
public struct ViolationStep: Sendable, Hashable, Codable {
    public let reference: String
    public let at: Date
    public let status: ViolationStatus
    public let comment: String?
    /// The inspector's IIN; nil for the filing itself.
    public let inspector: String?

    public init(reference: String, at: Date, status: ViolationStatus, comment: String?, inspector: String?) {
        self.reference = reference
        self.at = at
        self.status = status
        self.comment = comment
        self.inspector = inspector
    }
}

/// The inspectors' list filters; every one optional. Newest first, keyset-paged by (created, reference).
public struct ViolationFilter: Sendable, Hashable {
    public var kind: ViolationKind?
    public var status: ViolationStatus?
    public var source: ViolationSource?
    public var region: String?
    public var productGroup: String?
    public var participant: String?
    public var code: String?
    public var from: Date?
    /// Exclusive.
    public var until: Date?
    public var after: ViolationCursor?
    public var limit: Int

    public init(limit: Int = 50) { self.limit = limit }
}

/// Where a list page ended.
public struct ViolationCursor: Sendable, Hashable {
    public let createdAt: Double
    public let reference: String

    public init(createdAt: Double, reference: String) {
        self.createdAt = createdAt
        self.reference = reference
    }
}

/// One page of reports (photos left out: a list never carries them).
public struct ViolationPage: Sendable {
    public let reports: [ViolationReport]
    public let next: ViolationCursor?

    public init(reports: [ViolationReport], next: ViolationCursor?) {
        self.reports = reports
        self.next = next
    }
}

/// One public check as journalled: the public's audit trail, and what the hub's signals are computed from.
public struct PublicCheckEntry: Sendable, Hashable {
    public let code: String
    public let at: Date
    public let address: String?
    /// `genuine`, `forged`, `unknown`, `notIntroduced`, `withdrawn`, `inCirculation`…
    public let outcome: String
    public let latitude: Double?
    public let longitude: Double?

    public init(code: String, at: Date, address: String?, outcome: String, latitude: Double?, longitude: Double?) {
        self.code = code
        self.at = at
        self.address = address
        self.outcome = outcome
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// What the public side reads: origins, reports and their steps, recent located checks of a code.
public protocol ControlReader {
    /// The origin of `gtin` in introduction document `document`.
    func origin(document: String, gtin: String) throws -> GoodsOrigin?
    /// A report with its photo.
    func violation(_ reference: String) throws -> ViolationReport?
    func violations(_ filter: ViolationFilter) throws -> ViolationPage
    func steps(of reference: String) throws -> [ViolationStep]
    /// The document that introduced code `id` into circulation, the latest if it was introduced again (remarking).
    func introduction(of id: String) throws -> String?
    /// The codes an order issued (their `origin`), by identity after `after`, at most `limit`: what its labels print.
    func issuedCodes(order: String, after: String?, limit: Int) throws -> [CodeRecord]
    /// Checks of `code` since `since` that carried a location, oldest first, at most `limit`.
    func locatedChecks(of code: String, since: Date, limit: Int) throws -> [PublicCheckEntry]
}

/// What the public side writes.
public protocol ControlWriter: ControlReader {
    /// Origins of an introduction (a document's lines), inserted once: a second save of one (document, GTIN)
    /// changes nothing.
    func save(_ origins: [GoodsOrigin]) throws
    /// Files a report with its first step. A signal whose `signalKey` is already filed is not filed again.
    /// - Returns: whether it was filed.
    func file(_ report: ViolationReport) throws -> Bool
    /// Sets a report's status if it is still `expected`, with the step that says so.
    /// - Returns: false when the report is not in `expected` (someone else moved it meanwhile) or absent.
    func setStatus(of reference: String, expected: ViolationStatus, to step: ViolationStep) throws -> Bool
    /// Journals public checks, in one statement per batch.
    func record(_ checks: [PublicCheckEntry]) throws
}
