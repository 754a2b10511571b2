public import Foundation
public import TanbaDomain
public import TanbaStore

/// A report as the inspectors' API and pages show it: every field but the photo's bytes (`photo` says whether it
/// has one; it is read on its own).
public struct ViolationView: Sendable, Codable {
    public let reference: String
    public let source: ViolationSource
    public let kind: ViolationKind
    public let status: ViolationStatus
    public let code: String?
    public let gtin: String?
    public let productGroup: String?
    public let participant: String?
    public let region: String?
    public let shop: String?
    public let address: String?
    public let latitude: Double?
    public let longitude: Double?
    public let description: String?
    public let contact: String?
    public let photo: Bool
    public let createdAt: Date
    public let updatedAt: Date

    public init(_ report: ViolationReport) {
        reference = report.reference
        source = report.source
        kind = report.kind
        status = report.status
        code = report.code
        gtin = report.gtin
        productGroup = report.productGroup
        participant = report.participant
        region = report.region
        shop = report.shop
        address = report.address
        latitude = report.latitude
        longitude = report.longitude
        description = report.description
        contact = report.contact
        photo = report.photoType != nil
        createdAt = report.createdAt
        updatedAt = report.updatedAt
    }
}

/// One page of the inspectors' list, with the cursor of the next.
public struct ViolationViewPage: Sendable, Codable {
    public let reports: [ViolationView]
    public let next: String?

    public init(_ page: ViolationPage) {
        reports = page.reports.map(ViolationView.init)
        next = page.next?.encoded
    }
}

/// One report for an inspector: the report, its steps, the code's record and full history.
public struct ViolationCaseView: Sendable, Codable {
    public let report: ViolationView
    public let steps: [ViolationStep]
    public let code: CodeRecord?
    public let history: [CodeEvent]

    public init(_ found: ViolationCase) {
        report = ViolationView(found.report)
        steps = found.steps
        code = found.code
        history = found.history
    }
}
