import Foundation
import TanbaCore
import TanbaDomain
import TanbaPipeline
import TanbaPostgres
import TanbaSQLite
import TanbaStore
import TanbaStoreTestSupport
import TanbaXML

/// A hub core over a fresh store (SQLite, or PostgreSQL when the suite has a server), with the test PKI's participants registered: the wholesaler
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

    /// The store's file or URL: a second fixture over it is a second hub process on the same store.
    let path: String
    let store: any HubStore
    let core: HubCore

    /// A core over a new store on `backend`, or with `path` a second core over the store another fixture made.
    init(
        _ backend: TestBackend = .sqlite, path: String? = nil, challengeCapacity: Int = 10_000,
        sessionCapacity: Int = 100_000
    ) throws {
        let fresh = path == nil
        let path = try path ?? backend.makeLocation()
        self.path = path
        store = try PostgresStore.names(path) ? PostgresStore(url: path) : SQLiteStore(path: path)
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
