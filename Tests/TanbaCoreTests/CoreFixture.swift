import Foundation
import TanbaCore
import TanbaDomain
import TanbaPipeline
import TanbaSQLite
import TanbaStore
import TanbaXML

/// A hub core over a fresh SQLite store file, with the test PKI's participants registered: the wholesaler
/// (seller), its buyer, an entrepreneur and a state body.
struct CoreFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let pki: TestPKI = {
        try! TestPKI.create(
            at: FileManager.default.temporaryDirectory.appendingPathComponent("tanba-core-pki-\(UUID().uuidString)"))
    }()
    static let reference: ReferenceData = {
        try! ReferenceData(
            files: try! FileManager.default.contentsOfDirectory(
                at: repository.appendingPathComponent("reference"), includingPropertiesForKeys: nil
            ).filter { $0.pathExtension == "json" }.map { ($0.lastPathComponent, try Data(contentsOf: $0)) })
    }()
    static let seller = "050140001238"
    static let buyer = "031240500125"
    static let entrepreneur = "850315300128"
    static let inspector = TestPKI.operatorBIN

    let path: String
    let store: SQLiteStore
    let core: HubCore

    /// A core over a new store, or with `path` a second core over the store another fixture made.
    init(path: String? = nil, challengeCapacity: Int = 10_000, sessionCapacity: Int = 100_000) throws {
        let path =
            path
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "tanba-core-\(UUID().uuidString)/s.sqlite"
            ).path
        let fresh = !FileManager.default.fileExists(atPath: path)
        self.path = path
        store = try SQLiteStore(path: path)
        let verifier = SignatureVerifier(
            trustStore: try TrustStore(caDirectory: Self.pki.trustDirectory, crlDirectory: Self.pki.crlDirectory))
        let pipeline = DocumentPipeline(
            store: store, schemas: try SchemaSet(directory: Self.repository.appendingPathComponent("xsd")),
            verifier: verifier, reference: Self.reference,
            hub: try DocumentSigner(
                keyFile: Self.pki.keyFile(.hub), certificateFile: Self.pki.certificateFile(.hub)))
        core = HubCore(
            pipeline: pipeline, challengeCapacity: challengeCapacity, sessionCapacity: sessionCapacity)
        guard fresh else { return }
        try store.write { tx in
            try tx.save(
                try Participant(
                    id: Self.seller, name: "ТОО «Алатау Дистрибьюшн»", isOrganisation: true,
                    roles: [.producer, .wholesaler], productGroups: ["shoes"]))
            try tx.save(
                try Participant(
                    id: Self.buyer, name: "ТОО «Шымкент Сауда»", isOrganisation: true, roles: [.wholesaler],
                    productGroups: ["shoes"]))
            try tx.save(
                try Participant(
                    id: Self.entrepreneur, name: "ИП Нұрланов", isOrganisation: false, roles: [.retailer]))
            try tx.save(
                try Participant(id: Self.inspector, name: "КГД МФ РК", isOrganisation: true, roles: [.stateBody]))
        }
    }

    /// The challenge's document signed with `participant`'s test certificate.
    static func signed(_ challenge: LoginChallenge, by participant: TestPKI.Participant) throws -> [UInt8] {
        let signer = try DocumentSigner(
            keyFile: pki.keyFile(participant), certificateFile: pki.certificateFile(participant))
        return try signer.sign(Array(challenge.document.utf8))
    }
}
