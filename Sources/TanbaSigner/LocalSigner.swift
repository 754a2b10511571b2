import Crypto
import Foundation
public import Logging
public import TanbaErrors
import TanbaXML

/// The signer's decisions, without a network: a request's JSON text in, the answer's out. `SignerServer` puts it
/// on a websocket; tests call it directly too.
public struct LocalSigner: Sendable {
    /// The sentence for a code in a locale (`kk`, `ru`, `en`, or whatever a page sent); the command line passes
    /// the hub's catalogue (`ErrorMessages`), the default is the English summary of `ErrorCatalogue`.
    public typealias Messages = @Sendable (_ code: ErrorCode, _ locale: String?) -> String

    /// The English summaries of the error catalogue.
    public static let englishMessages: Messages = { code, _ in
        ErrorCatalogue.definition(of: code)?.summary ?? code.rawValue
    }

    /// The default largest XML a request may carry (all its data together): 8 MiB.
    public static let defaultMaxDataBytes = 8 << 20

    public let keyring: SignerKeyring
    /// The largest XML a request may carry, all its data together (`XML_TOO_LARGE` beyond).
    public let maxDataBytes: Int
    public let messages: Messages

    public init(
        keyring: SignerKeyring, maxDataBytes: Int = Self.defaultMaxDataBytes,
        messages: @escaping Messages = Self.englishMessages
    ) {
        self.keyring = keyring
        self.maxDataBytes = maxDataBytes
        self.messages = messages
    }

    /// The largest websocket message the server reads: room for the data with JSON's escaping, plus the rest of
    /// a request. A larger message is not read at all (the connection is closed with 1009, message too big).
    public var maxMessageBytes: Int { 2 * maxDataBytes + (64 << 10) }

    /// Answers one request.
    ///
    /// Every signature is logged at `notice` with the certificate's subject and the SHA-256 of the data signed,
    /// so a user can see afterwards what was signed in their name; refusals at `info`.
    /// - Parameters:
    ///   - text: the websocket message, JSON.
    ///   - origin: the page's origin, for the log (nil for a client that is not a browser).
    public func answer(_ text: String, origin: String? = nil, logger: Logger) -> SignerResponse {
        var locale: String?
        do {
            let request = try decode(text)
            locale = request.args?.locale
            let (key, items) = try check(request)
            var results: [String] = []
            for item in items {
                let signed = try key.signer.sign(Array(item.utf8), limits: ParseLimits(maxBytes: maxDataBytes))
                results.append(String(decoding: signed, as: UTF8.self))
                logger.notice(
                    "signed",
                    metadata: [
                        "signer.subject": "\(key.identity.subject)", "signer.iin": "\(key.identity.iin ?? "-")",
                        "cert.sha256": "\(key.identity.fingerprint)",
                        "data.sha256":
                            "\(SHA256.hash(data: Data(item.utf8)).map { String(format: "%02x", $0) }.joined())",
                        "data.bytes": "\(item.utf8.count)", "origin": "\(origin ?? "-")",
                    ])
            }
            return .signed(results)
        } catch let error as TanbaError {
            logger.info(
                "refused",
                metadata: ["code": "\(error.code.rawValue)", "reason": "\(error)", "origin": "\(origin ?? "-")"])
            return .refused(code: error.code, message: messages(error.code, locale), details: "\(error)")
        } catch {
            logger.error("failed", metadata: ["reason": "\(error)"])
            return .refused(code: .internal, message: messages(.internal, locale), details: "the signer failed")
        }
    }

    /// The request, or `SIGNER_REQUEST_MALFORMED` for text that is not a JSON object with a module and a method.
    private func decode(_ text: String) throws -> SignerRequest {
        let decoder = JSONDecoder()
        let data = Data(text.utf8)
        struct Head: Decodable {
            var module: String
            var method: String
        }
        let head: Head
        do {
            head = try decoder.decode(Head.self, from: data)
        } catch {
            throw TanbaError(
                .signerRequestMalformed, "not a JSON object with a module and a method: \(Self.reason(error))")
        }
        guard head.module == SignerProtocol.module, head.method == SignerProtocol.signMethod else {
            throw TanbaError(
                .signerMethodUnknown,
                "\(head.module).\(head.method) is not known here; only \(SignerProtocol.module).\(SignerProtocol.signMethod)"
            )
        }
        do {
            return try decoder.decode(SignerRequest.self, from: data)
        } catch {
            throw TanbaError(
                .signerRequestMalformed, "sign's arguments are not as NCALayer takes them: \(Self.reason(error))")
        }
    }

    /// The key and the texts to sign, once the format, the size and the key asked for are known to be possible.
    private func check(_ request: SignerRequest) throws -> (SignerKey, [String]) {
        guard let args = request.args else {
            throw TanbaError(.signerRequestMalformed, "sign needs args with format and data")
        }
        guard args.format.lowercased() == "xml" else {
            throw TanbaError(.signerFormatUnsupported, "format '\(args.format)' is not signed here; only xml")
        }
        let items = args.data.items
        guard !items.isEmpty else { throw TanbaError(.signerRequestMalformed, "data holds nothing to sign") }
        let size = items.reduce(0) { $0 + $1.utf8.count }
        guard size <= maxDataBytes else {
            throw TanbaError(.xmlTooLarge, "the data is \(size) bytes; the signer takes at most \(maxDataBytes)")
        }
        let oids = args.signerParams?.extKeyUsageOids ?? []
        guard let key = keyring.key(for: oids) else {
            throw TanbaError(
                .signerKeyNotFound,
                "no key's certificate has the extended key usage \(oids.joined(separator: ", "))")
        }
        return (key, items)
    }

    /// A decoding error in a sentence, without Swift's type names.
    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "'\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted: "not JSON"
        default: "unreadable"
        }
    }
}
