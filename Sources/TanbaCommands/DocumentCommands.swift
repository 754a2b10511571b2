import ArgumentParser
import Foundation
import TanbaErrors
import TanbaXML

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Parse a document safely and validate it against its XSD; list every error.")

    @Argument(help: "The XML document.") var file: String
    @OptionGroup var schemas: SchemaOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingFailures(command: "validate", json: output.json) {
            let set = try schemas.schemaSet()
            var report = Report(command: "validate", file: file)
            do {
                let document = try XMLDocument.parse(contentsOf: URL(fileURLWithPath: file))
                let type = try set.validate(document)
                report.documentType = "{\(type.namespace)}\(type.rootElement)"
            } catch { report.fail(error) }
            try report.finish(json: output.json, success: "\(file): valid \(report.documentType ?? "")")
        }
    }
}

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Add an enveloped XMLDSig signature: RSA-SHA256, ECDSA-SHA256 or Kazakh GOST 2015-512, by the key.")

    @Option(name: .long, help: "PEM private key (unencrypted).") var key: String
    @Option(name: .long, help: "PEM certificate of the key.") var cert: String
    @Option(name: .long, help: "standard (exclusive C14N) or ncalayer (inclusive C14N, as NCALayer signs).")
    var profile: String = "standard"
    @Option(name: [.short, .long], help: "Write the signed document here instead of standard output.")
    var output: String?
    @Argument(help: "The XML document to sign.") var file: String
    @Flag(name: .long, help: "Print a JSON summary (requires --output).") var json = false

    func run() throws {
        try reportingFailures(command: "sign", json: json) {
            guard let chosen = SigningProfile.all.first(where: { $0.name == profile }) else {
                throw TanbaError(.configInvalid, "unknown profile '\(profile)' (standard, ncalayer)")
            }
            let signer = try DocumentSigner(
                keyFile: URL(fileURLWithPath: key), certificateFile: URL(fileURLWithPath: cert), profile: chosen)
            var report = Report(command: "sign", file: file)
            do {
                let document = try XMLDocument.parse(contentsOf: URL(fileURLWithPath: file))
                try signer.sign(document)
                let bytes = Data(document.serialized())
                if let output {
                    do { try bytes.write(to: URL(fileURLWithPath: output)) } catch {
                        throw TanbaError(.fileUnreadable, "cannot write \(output): \(UserFacing.reason(error))")
                    }
                } else if !json {
                    FileHandle.standardOutput.write(bytes)
                    throw ExitCode.success
                }
                report.algorithm = signer.algorithm.name
                report.signer = SignerIdentity(certificate: signer.certificate)
            } catch let exit as ExitCode { throw exit } catch { report.fail(error) }
            try report.finish(
                json: json, success: "\(output ?? "-"): signed with \(signer.algorithm.name) (\(chosen.name) profile)")
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a signed document: safe parse, XSD, signature, certificate chain, validity and revocation.")

    @Argument(help: "The signed XML document.") var file: String
    @OptionGroup var trust: TrustOptions
    @OptionGroup var schemas: SchemaOptions
    @Option(name: .long, help: "Check the certificate at this time (ISO 8601) instead of now.") var at: String?
    @Flag(name: .long, help: "Skip XSD validation (verify the signature of any document).") var noSchema = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingFailures(command: "verify", json: output.json) {
            var time = Date()
            if let at {
                guard let parsed = ISO8601DateFormatter().date(from: at) else {
                    throw TanbaError(.configInvalid, "--at must be an ISO 8601 time such as 2026-11-25T10:00:00Z")
                }
                time = parsed
            }
            let verifier = SignatureVerifier(trustStore: try trust.trustStore())
            let set = noSchema ? nil : try schemas.schemaSet()
            var report = Report(command: "verify", file: file)
            do {
                let document = try XMLDocument.parse(contentsOf: URL(fileURLWithPath: file))
                if let set {
                    let type = try set.validate(document)
                    report.documentType = "{\(type.namespace)}\(type.rootElement)"
                }
                let verified = try verifier.verify(document, at: time)
                report.signer = verified.signer
                report.algorithm = verified.algorithm.name
            } catch { report.fail(error) }
            let who =
                report.signer.map { signer in
                    [
                        signer.commonName, signer.organization, signer.bin.map { "BIN \($0)" },
                        signer.iin.map { "IIN \($0)" },
                    ]
                    .compactMap { $0 }.joined(separator: ", ")
                } ?? ""
            let roles = report.signer.map { $0.roles.map(\.rawValue).joined(separator: ", ") } ?? ""
            try report.finish(
                json: output.json,
                success: "\(file): signature valid (\(report.algorithm ?? "")); signer: \(who); roles: \(roles)")
        }
    }
}
