/// Where a marking code is in its life.
public enum CodeStatus: String, Sendable, Codable, CaseIterable {
    /// Emitted to a participant; not yet printed on goods.
    case issued
    /// Printed/applied on a unit (application report).
    case applied
    /// Introduced into circulation (local production or import): the goods may be traded.
    case inCirculation
    /// Left circulation for a reason (retail sale, export, …).
    case withdrawn
    /// Spoiled before use; never valid again.
    case cancelled
}

/// Why a code left circulation. Codes match `reference/withdrawal-reasons.json`.
public enum WithdrawalReason: String, Sendable, Codable, CaseIterable {
    case retailSale, distanceSale, export, eaeuShipment, damage, loss, destruction, confiscation, samples, ownUse
    case useInProduction, expired, remarking

    /// Whether goods withdrawn for this reason may return into circulation (a consumer returns a purchase,
    /// goods thought lost are found). Matches `allowsReturn` in reference/withdrawal-reasons.json (a test checks).
    public var allowsReturn: Bool {
        switch self {
        case .retailSale, .distanceSale, .loss: true
        default: false
        }
    }
}

/// What a code marks: a consumer unit, a group package (its own marking code), or a transport package (SSCC).
public enum PackagingLevel: Int, Sendable, Codable, CaseIterable, Comparable {
    case unit = 0
    case group = 1
    case transport = 2

    public static func < (lhs: PackagingLevel, rhs: PackagingLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
