import Foundation
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaSQLite
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

@testable import TanbaPipeline
@testable import TanbaXML

/// Every document sample in samples/ through the pipeline. Each committed signed sample (`signed/valid.xml`,
/// signed by its sender's certificate from samples/pki by `make samples`) is submitted to a store seeded with
/// what the document presupposes (the state samples/README.md describes for each type), and must be accepted;
/// every `invalid/*.xml` must be refused with the code its EXPECTED.md gives (all XSD_INVALID or XML_* there).
/// Submitting the committed files rather than signing at test time checks what integrators get.
@Suite struct SampleWalkTests {
    static let types = [
        "shipment", "code-order", "application-report", "introduction-production", "introduction-import",
        "aggregation", "disaggregation", "reaggregation", "shipment-answer", "shipment-cancellation", "withdrawal",
        "return-to-circulation", "remarking", "eaeu-shipment", "export",
    ]
    /// After every sample's dates (some are dated later this month), and inside the validity of the committed
    /// sample certificates (issued 2026-10-26 for five years) and CRLs: a fixed date, so the walk does not
    /// depend on the day it runs.
    static let now = ISO8601DateFormatter().date(from: "2026-12-01T09:00:00Z")!
    static let entrepreneur = "850315300128"
    /// The people the sample certificates name (`SERIALNUMBER=IIN…`, fixed in `TestPKI`), registered as their
    /// companies' representatives so the walk also checks that the signer may act for the sender.
    static let sellerHead = "781112400128"
    static let buyerHead = "660501300129"

    /// The committed signed sample of `type`. The shipment's is the RSA one among its signature cases.
    static func signedSample(_ type: String) -> URL {
        World.repository.appendingPathComponent(
            type == "shipment" ? "samples/shipment/signed/valid-rsa.xml" : "samples/\(type)/signed/valid.xml")
    }

    /// Trusts the sample PKI's public parts (samples/pki), which signed the committed samples.
    static let sampleVerifier: SignatureVerifier = {
        let pki = World.repository.appendingPathComponent("samples/pki")
        return SignatureVerifier(
            trustStore: try! TrustStore(
                caDirectory: pki.appendingPathComponent("trust"), crlDirectory: pki.appendingPathComponent("crl")))
    }()

    /// A PKI made at `now`, for the document the walk signs itself (the shipment a shipment-answer answers): its
    /// certificates are valid at `now` whatever day the tests run, unlike `World.pki`'s (made at the run).
    static let setupPKI: TestPKI = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-sample-walk-pki-\(UUID().uuidString)")
        return try! TestPKI.create(at: folder, now: now)
    }()

    /// A pipeline over `world`'s store that trusts `verifier`.
    static func pipeline(_ world: World, verifier: SignatureVerifier = sampleVerifier) -> DocumentPipeline {
        DocumentPipeline(
            store: world.store, schemas: World.schemas, verifier: verifier, reference: World.reference, hub: World.hub)
    }

    /// A code of the sample and the section it stands in (`Items`, `Add`, `Remove`, `Old`, `New`, `Package`…).
    struct Named {
        let id: String
        let section: String
        let lineGTIN: String?
        let lineQuantity: Int?
        let packagesOnLine: Int
    }

    static func named(in root: XMLElement) throws -> [Named] {
        let elements = root.descendants {
            $0.name == "Code" || $0.name == "SSCC" || $0.name == "Old" || $0.name == "New"
        }
        return try elements.map { element in
            let id: String =
                element.name == "SSCC" ? "00" + element.text : try MarkingCode.parse(element.text).identification
            let section = element.name == "Old" || element.name == "New" ? element.name : element.parent?.name ?? ""
            var line: XMLElement? = element.parent
            while let current = line, current.name != "Line" { line = current.parent }
            let gtin = line?.children.first { $0.name == "GTIN" }?.text
            let quantity = line?.children.first { $0.name == "Quantity" }.flatMap { Int($0.text) }
            let packages = line.map { $0.descendants { $0.name == "SSCC" }.count } ?? 0
            return Named(id: id, section: section, lineGTIN: gtin, lineQuantity: quantity, packagesOnLine: packages)
        }
    }

    /// A world with every sample's participants and products, on `backend`.
    static func world(_ backend: TestBackend = .sqlite) throws -> World {
        let world = try World(codes: 0, backend: backend)
        try world.store.write { tx in
            let groups: Set<String> = ["water", "shoes", "tobacco"]
            try tx.save(
                try Participant(
                    id: World.seller, name: "ТОО «Алатау Дистрибьюшн»", isOrganisation: true,
                    roles: [.producer, .importer, .wholesaler], productGroups: groups,
                    representatives: [Representative(iin: sellerHead, name: "СЕРІКОВ АСХАТ")]))
            try tx.save(
                try Participant(
                    id: World.buyer, name: "ТОО «Шымкент Сауда»", isOrganisation: true,
                    roles: [.wholesaler, .retailer],
                    productGroups: groups, representatives: [Representative(iin: buyerHead, name: "ЖАНҰЗАҚОВА АЙГҮЛ")]))
            try tx.save(
                try Participant(
                    id: entrepreneur, name: "ИП Нұрланов", isOrganisation: false, roles: [.retailer],
                    productGroups: groups))
            try tx.save([
                try ProductCard(
                    gtin: "04870002000010", name: "Ботинки", manufacturer: "ТОО", tnved: "6403990000",
                    productGroup: "shoes",
                    country: "KZ"),
                try ProductCard(
                    gtin: "04870003000019", name: "Сигареты", manufacturer: "ТОО", tnved: "2402200000",
                    productGroup: "tobacco", country: "KZ"),
            ])
        }
        return world
    }

    static func seed(
        _ id: String, status: CodeStatus, owner: String, parent: String? = nil, reason: WithdrawalReason? = nil,
        level: PackagingLevel? = nil, in tx: any StoreWriter
    ) throws {
        let isSSCC = id.hasPrefix("00")
        let record = CodeRecord(
            id: id, level: level ?? (isSSCC ? .transport : .unit),
            gtin: isSSCC ? nil : String(id.dropFirst(2).prefix(14)),
            status: status, owner: owner, emitter: owner, withdrawalReason: reason, parent: parent, issuedAt: now)
        try tx.insert([record], origin: "SEED")
    }

    /// Fills `package` with `count` units of `gtin`.
    static func fill(_ package: String, gtin: String, count: Int, owner: String, in tx: any StoreWriter) throws {
        for index in 0..<count {
            try seed(
                "01\(gtin)21SEED\(package.suffix(6))\(String(format: "%03d", index))", status: .inCirculation,
                owner: owner,
                parent: package, in: tx)
        }
    }

    /// Seeds what the sample of `type` presupposes.
    static func prepare(_ type: String, root: XMLElement, sender: String, world: World) throws {
        let named = try named(in: root)
        try world.store.write { tx in
            for item in named {
                switch (type, item.section) {
                case ("code-order", _): break
                case ("application-report", _): try seed(item.id, status: .issued, owner: sender, in: tx)
                case ("introduction-production", _), ("introduction-import", _):
                    try seed(item.id, status: .applied, owner: sender, in: tx)
                case ("aggregation", "Package"): break  // the new pallet
                case ("aggregation", _), ("withdrawal", _), ("export", _), ("reaggregation", "Add"):
                    try seed(item.id, status: .inCirculation, owner: sender, in: tx)
                    if item.id.hasPrefix("00") {
                        try fill(item.id, gtin: "04870003000019", count: 1, owner: sender, in: tx)
                    }
                case ("disaggregation", _):
                    try seed(
                        item.id, status: .inCirculation, owner: sender,
                        level: item.id.hasPrefix("00") ? .transport : .group,
                        in: tx)
                    try fill(item.id, gtin: "04870003000019", count: 1, owner: sender, in: tx)
                case ("reaggregation", "Package"): try seed(item.id, status: .inCirculation, owner: sender, in: tx)
                case ("reaggregation", "Remove"): break  // after the package exists, below
                case ("return-to-circulation", _):
                    try seed(item.id, status: .withdrawn, owner: sender, reason: .retailSale, in: tx)
                case ("remarking", "Old"): try seed(item.id, status: .inCirculation, owner: sender, in: tx)
                case ("remarking", "New"): try seed(item.id, status: .issued, owner: sender, in: tx)
                case ("shipment", _), ("eaeu-shipment", _):
                    try seed(item.id, status: .inCirculation, owner: sender, in: tx)
                    if item.id.hasPrefix("00"), let gtin = item.lineGTIN, let quantity = item.lineQuantity {
                        try fill(
                            item.id, gtin: gtin, count: quantity / max(1, item.packagesOnLine), owner: sender, in: tx)
                    }
                case ("shipment-answer", _):
                    // The codes the seller shipped: in circulation, the seller's; packages hold one unit each.
                    try seed(item.id, status: .inCirculation, owner: World.seller, in: tx)
                    if item.id.hasPrefix("00") {
                        try fill(item.id, gtin: World.water, count: 1, owner: World.seller, in: tx)
                    }
                default: break
                }
            }
            if type == "reaggregation" {
                let package = named.first { $0.section == "Package" }!.id
                for item in named where item.section == "Remove" {
                    try seed(item.id, status: .inCirculation, owner: sender, parent: package, in: tx)
                }
            }
        }
        if type == "shipment-answer" || type == "shipment-cancellation" {
            // The seller's accompanying document the answer (or cancellation) refers to, accepted by the hub first.
            // A cancellation names no codes: the shipment cancelled carries two of the seller's own.
            let reference = root.descendants { $0.name == "Shipment" }.first!
            let number = reference.children.first { $0.name == "Number" }!.text
            var items = named.map(\.id)
            if type == "shipment-cancellation" {
                let issued = try CodeEmitter(key: EmissionKey.generate()).issue(
                    gtin: World.water, count: 2, owner: World.seller, at: now)
                let ledger = Ledger(store: world.store)
                try ledger.issue(issued, order: "ORDER-WALK")
                items = issued.map(\.id)
                _ = try ledger.perform(.apply(by: World.seller), on: items, document: "APP", at: now)
                _ = try ledger.perform(.introduce(by: World.seller), on: items, document: "INTRO", at: now)
            }
            let units = items.filter { !$0.hasPrefix("00") }
            let packages = items.filter { $0.hasPrefix("00") }.map { String($0.dropFirst(2)) }
            let xml = World.shipment(
                number: number, codes: units, date: "2026-11-18", packages: packages, unitsInPackages: packages.count)
            let signer = try DocumentSigner(
                keyFile: setupPKI.keyFile(.companyHead), certificateFile: setupPKI.certificateFile(.companyHead))
            let setup = pipeline(
                world,
                verifier: SignatureVerifier(
                    trustStore: try TrustStore(
                        caDirectory: setupPKI.trustDirectory, crlDirectory: setupPKI.crlDirectory)))
            let decision = try setup.submit(try signer.sign(Array(xml.utf8)), now: now)
            #expect(decision.accepted, "the shipment answered: \(decision)")
        }
    }

    /// The sender (BIN or IIN) of a document: its `Sender`, or a shipment's `Seller`.
    static func sender(of root: XMLElement) -> String {
        let header = root.children.first { $0.name == "Header" }!
        let party = header.children.first { $0.name == "Sender" || $0.name == "Seller" }!
        return party.children.first { $0.name == "BIN" || $0.name == "IIN" }!.text
    }

    /// Every document type through the pipeline, on both stores.
    @Test(arguments: types, TestBackend.available)
    func signedSampleIsAccepted(type: String, backend: TestBackend) throws {
        let world = try Self.world(backend)
        let bytes = Array(try Data(contentsOf: Self.signedSample(type)))
        let root = try XMLDocument.parse(bytes).root
        try Self.prepare(type, root: root, sender: Self.sender(of: root), world: world)
        let decision = try Self.pipeline(world).submit(bytes, now: Self.now)
        #expect(decision.accepted, "\(type): \(decision)")
        #expect(!decision.repeated, "\(type)")
        if type == "shipment-cancellation" {
            // Everything the shipment locked is the seller's again, unlocked; the shipment is cancelled.
            #expect(decision.changes.count == 2 && decision.changes.allSatisfy { $0.lockedBy == nil })
            #expect(decision.changes.allSatisfy { $0.owner == World.seller && $0.status == .inCirculation })
            let shipment = try world.store.read { try $0.document(sender: World.seller, number: "AD-2026/000615") }
            #expect(shipment?.status == .cancelled)
        }
    }

    /// Each committed signed sample is its type's `valid.xml` with a signature, so the two never drift apart:
    /// without the `ds:Signature` both parse to the same document (the signer re-serialises, e.g. `&quot;`).
    @Test(arguments: types)
    func signedSampleIsTheUnsignedOneSigned(type: String) throws {
        let signed = try String(contentsOf: Self.signedSample(type), encoding: .utf8)
        let start = try #require(signed.range(of: "<ds:Signature"), "\(type): no ds:Signature")
        let end = try #require(signed.range(of: "</ds:Signature>"), "\(type): no ds:Signature end")
        let unsigned = String(signed[..<start.lowerBound] + signed[end.upperBound...])
        let original = try XMLDocument.parse(
            Array(try Data(contentsOf: World.repository.appendingPathComponent("samples/\(type)/valid.xml"))))
        #expect(
            String(decoding: try XMLDocument.parse(Array(unsigned.utf8)).serialized(), as: UTF8.self)
                == String(decoding: original.serialized(), as: UTF8.self), "\(type)")
    }

    /// Every committed signed sample verifies against samples/pki at `now`, signed by its sender's first head;
    /// changing one byte of its content (the last digit of its number, still schema-valid) makes the pipeline
    /// refuse it with SIG_DIGEST_MISMATCH.
    @Test func signedSamplesVerifyAndOneChangedByteIsRefused() throws {
        let world = try Self.world()
        let pipeline = Self.pipeline(world)
        for type in Self.types {
            let text = try String(contentsOf: Self.signedSample(type), encoding: .utf8)
            let document = try XMLDocument.parse(Array(text.utf8))
            let signer = try Self.sampleVerifier.verify(document, at: Self.now).signer
            let sender = Self.sender(of: document.root)
            #expect(signer.bin == sender, "\(type)")
            #expect(signer.iin == (sender == World.buyer ? Self.buyerHead : Self.sellerHead), "\(type)")

            let number = try #require(text.range(of: "</DocumentNumber>"), "\(type)")
            var bytes = Array(text.utf8)
            let last = text.utf8.distance(from: text.utf8.startIndex, to: number.lowerBound) - 1
            let digit = try #require(Character(UnicodeScalar(bytes[last])).wholeNumberValue, "\(type)")
            bytes[last] = UInt8(ascii: "0") + UInt8((digit + 1) % 10)
            let decision = try pipeline.submit(bytes, now: Self.now)
            #expect(!decision.accepted, "\(type)")
            #expect(decision.diagnostics.first?.code == .sigDigestMismatch, "\(type): \(decision)")
        }
    }

    @Test(arguments: types)
    func invalidSamplesAreRefused(type: String) throws {
        let world = try Self.world()
        let folder = World.repository.appendingPathComponent("samples/\(type)/invalid")
        for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        where file.pathExtension == "xml" {
            let decision = try world.pipeline.submit(Array(try Data(contentsOf: file)), now: Self.now)
            #expect(!decision.accepted, "\(type)/\(file.lastPathComponent)")
            let code = decision.diagnostics.first?.code.rawValue ?? ""
            #expect(code.hasPrefix("XSD_") || code.hasPrefix("XML_"), "\(type)/\(file.lastPathComponent): \(decision)")
        }
    }
}
