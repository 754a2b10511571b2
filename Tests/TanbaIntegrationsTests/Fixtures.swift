import Foundation
import TanbaIntegrations
import TanbaXML

/// Shared material: one test PKI per test process, the hub's signer, a departure with awkward text.
enum Fixtures {
    static let pki: TestPKI = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-integrations-pki-\(UUID().uuidString)")
        return try! TestPKI.create(at: directory)
    }()

    static let verifier = SignatureVerifier(
        trustStore: try! TrustStore(caDirectory: pki.trustDirectory, crlDirectory: pki.crlDirectory))

    static func signer(_ participant: TestPKI.Participant = .hub) throws -> DocumentSigner {
        try DocumentSigner(keyFile: pki.keyFile(participant), certificateFile: pki.certificateFile(participant))
    }

    static var hubCertificate: Certificate { try! Certificate.load(contentsOf: pki.certificateFile(.hub))[0] }

    /// A departure to Kyrgyzstan: two GTINs, three units; names with every markup character and a code with `&`.
    static func departure(edocRefId: String? = nil) -> EAEUDeparture {
        EAEUDeparture(
            edocId: "3f0c8a52-6d1e-4b7a-9a57-0e4f4d0f1c2b", edocRefId: edocRefId,
            sourceDocumentId: "doc-2026-000073", dateTime: Date(timeIntervalSince1970: 1_795_680_900),
            senderBIN: "050140001238", senderName: "ТОО «Алатау & Co» <Дистрибьюшн> \"A\" 'B'",
            receiverCountry: .kyrgyzstan, receiverTaxId: "02011199910245",
            receiverName: "ОсОО «Бишкек Азык Трейд» & <партнёры>", documentNumber: "EA-2026/000073",
            documentDate: "2026-11-27",
            lines: [
                .init(gtin: "04870001000011", codes: ["010487000100001121ghydEQbrLmJax", "010487000100001121a&b<c>"]),
                .init(gtin: "04870003000019", codes: ["010487000300001921serial-1"]),
            ])
    }

    /// The departure signed by `participant` (the hub by default).
    static func signedDeparture(by participant: TestPKI.Participant = .hub) throws -> [UInt8] {
        try signer(participant).sign(EAEUMessages.departure(departure()))
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    static func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }
}
