import Foundation
import TanbaErrors
import TanbaTestSupport
import Testing

@testable import TanbaXML

/// Shared test material: the repository's folders, one test PKI per test process, signing helpers.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let xsd = repository.appendingPathComponent("xsd")
    static let samples = repository.appendingPathComponent("samples/shipment")

    static func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    static let validShipment: [UInt8] = try! sample("valid.xml")

    /// A fresh test PKI in a temporary folder, made once per test process.
    static let pki: TestPKI = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-test-pki-\(UUID().uuidString)")
        return try! TestPKI.create(at: directory)
    }()

    static let trustStore = try! TrustStore(caDirectory: pki.trustDirectory, crlDirectory: pki.crlDirectory)
    static let verifier = SignatureVerifier(trustStore: trustStore)
    static let schemas = try! SchemaSet(directory: xsd)

    static func signer(_ participant: TestPKI.Participant, profile: SigningProfile = .standard) throws -> DocumentSigner
    {
        try DocumentSigner(
            keyFile: pki.keyFile(participant), certificateFile: pki.certificateFile(participant), profile: profile)
    }

    /// The valid shipment signed by `participant`, serialised.
    static func signed(by participant: TestPKI.Participant = .companyHead, profile: SigningProfile = .standard) throws
        -> [UInt8]
    {
        try signer(participant, profile: profile).sign(validShipment)
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    static func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

    /// Parses and verifies, returning the error code (nil when valid).
    static func verificationError(_ bytes: [UInt8], verifier: SignatureVerifier = verifier) -> ErrorCode? {
        do {
            _ = try verifier.verify(try XMLDocument.parse(bytes))
            return nil
        } catch let error as TanbaError {
            return error.code
        } catch {
            return .internal
        }
    }

    /// Runs a command, returning its exit status and standard output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> (
        status: Int32, output: String, error: String
    ) {
        try runProcess(executable, arguments)
    }

    /// Finds a program on PATH.
    static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func temporaryFile(_ bytes: [UInt8], name: String = "doc.xml") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}
