public import Foundation
import TanbaErrors
public import TanbaXML

/// What the Ministry's signed answer says, whatever it acknowledges (an export, a reconciliation report): which
/// of the hub's documents, the digest of the bytes the Ministry received, accepted or rejected, why, when. The hub
/// verifies and records both kinds by one procedure (`MoFAnswers` in TanbaCore).
public protocol MoFAnswer: Sendable {
    /// The root element (in `MoFFormat.namespace`) and the element naming what is acknowledged.
    static var rootName: String { get }
    static var idElement: String { get }
    /// The id of the export or report acknowledged.
    var acknowledgedId: String { get }
    var sha256: String { get }
    var accepted: Bool { get }
    var reason: String? { get }
    var acknowledgedAt: Date { get }
    /// Reads the fields from the parsed document (the signature is the caller's to verify).
    /// - Throws: `MOF_ACK_INVALID` naming the element.
    static func parse(_ root: XMLElement) throws -> Self
}

extension MoFAcknowledgement: MoFAnswer {
    public static let rootName = "MoFAcknowledgement"
    public static let idElement = "ExportId"
    public var acknowledgedId: String { exportId }
}

/// The Ministry's answer about one of the hub's reconciliation reports (root `MoFReconciliationAcknowledgement`
/// in `urn:tanba:mof:export:1`, `xsd/mof/mof-export-1.xsd`; ours, as the Ministry publishes no format): the
/// report's id, the SHA-256 of the report's bytes as the Ministry received them (the signed report the hub
/// queued), accepted or rejected with an optional reason, and when. Signed by the Ministry (enveloped XMLDSig, the
/// root's last child).
public struct MoFReconciliationAcknowledgement: Sendable, Hashable, MoFAnswer {
    public static let rootName = "MoFReconciliationAcknowledgement"
    public static let idElement = "ReportId"

    public var reportId: String
    public var sha256: String
    public var accepted: Bool
    /// Why it was rejected, or a note.
    public var reason: String?
    public var acknowledgedAt: Date

    public var acknowledgedId: String { reportId }

    public init(reportId: String, sha256: String, accepted: Bool, reason: String? = nil, acknowledgedAt: Date) {
        self.reportId = reportId
        self.sha256 = sha256
        self.accepted = accepted
        self.reason = reason
        self.acknowledgedAt = acknowledgedAt
    }

    /// Unsigned; the Ministry signs it.
    public func xml() -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<\(Self.rootName) xmlns=\"\(MoFFormat.namespace)\" version=\"1\">"
        xml += MoFFormat.element("ReportId", reportId) + MoFFormat.verdict(sha256, accepted, reason)
        xml += MoFFormat.element("AcknowledgedAt", MoFFormat.dateTime(acknowledgedAt))
        xml += "</\(Self.rootName)>\n"
        return Array(xml.utf8)
    }

    /// Reads the fields strictly, in order: anything else — another root (an export's acknowledgement among
    /// them), a missing, misplaced, unknown or out-of-pattern element — is `MOF_ACK_INVALID` naming the element.
    public static func parse(_ root: XMLElement) throws -> MoFReconciliationAcknowledgement {
        var r = try MoFParsing.Reader(root, name: rootName, code: .mofAckInvalid)
        let id = try r.text("ReportId", pattern: MoFParsing.isUUID)
        let verdict = try r.verdict()
        let at = try r.dateTime("AcknowledgedAt")
        try r.finish(signatureAllowed: true)
        return MoFReconciliationAcknowledgement(
            reportId: id, sha256: verdict.sha256, accepted: verdict.accepted, reason: verdict.reason,
            acknowledgedAt: at)
    }
}
