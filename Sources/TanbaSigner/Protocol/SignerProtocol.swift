import Foundation
public import TanbaErrors

/// The subset of NCALayer's websocket protocol that `tanba signer` speaks: the greeting on open, and the
/// `kz.gov.pki.knca.basics` module's `sign` method for XML, with its answers.
///
///     → {"result":{"version":"1.4"}}                                         (sent on open)
///     ← {"module":"kz.gov.pki.knca.basics","method":"sign","args":{"allowedStorages":["PKCS12"],
///        "format":"xml","data":"<xml…/>","signingParams":{},
///        "signerParams":{"extKeyUsageOids":["1.3.6.1.5.5.7.3.2"],"chain":[]},"locale":"ru"}}
///     → {"status":true,"body":{"result":["<signed xml…>"]}}
///     → {"status":false,"code":"SIGNER_KEY_NOT_FOUND","message":"…","details":"…"}
public enum SignerProtocol {
    /// The only module the signer answers.
    public static let module = "kz.gov.pki.knca.basics"
    /// The only method of that module it answers.
    public static let signMethod = "sign"
    /// The NCALayer version the signer reports (the protocol's, not Tanba's).
    public static let version = "1.4"
    /// What the signer sends as soon as a connection is open.
    public static let greeting = #"{"result":{"version":"1.4"}}"#
    /// The extended key usage of NCA authentication keys (what a login challenge asks for).
    public static let authenticationOID = "1.3.6.1.5.5.7.3.2"
    /// The extended key usage of NCA signing keys (what a document asks for).
    public static let signingOID = "1.3.6.1.5.5.7.3.4"
}

/// A request as a page sends it: the module and method first (to answer an unknown one with its own code), the
/// arguments only once they are known to be `sign`'s.
public struct SignerRequest: Sendable, Codable, Hashable {
    public var module: String
    public var method: String
    public var args: SignArguments?

    public init(
        module: String = SignerProtocol.module, method: String = SignerProtocol.signMethod, args: SignArguments?
    ) {
        self.module = module
        self.method = method
        self.args = args
    }
}

/// `sign`'s arguments. `allowedStorages`, `signingParams` and `signerParams.chain` are accepted and ignored: the
/// signer's keys are files given at its start, and an XML signature carries the signer's certificate only.
public struct SignArguments: Sendable, Codable, Hashable {
    public var allowedStorages: [String]?
    /// `xml` (the only format signed here).
    public var format: String
    /// The XML to sign; NCALayer also takes a list (one signature each), and so does this signer.
    public var data: SignData
    public var signerParams: SignerParameters?
    /// `kk`, `ru` or `en`: the language of error messages.
    public var locale: String?

    public init(
        format: String = "xml", data: SignData, extendedKeyUsage: [String] = [], locale: String? = nil,
        allowedStorages: [String]? = ["PKCS12"]
    ) {
        self.allowedStorages = allowedStorages
        self.format = format
        self.data = data
        self.signerParams = SignerParameters(extKeyUsageOids: extendedKeyUsage, chain: [])
        self.locale = locale
    }
}

/// The data to sign: one XML text or several.
public enum SignData: Sendable, Codable, Hashable {
    case one(String)
    case many([String])

    public var items: [String] {
        switch self {
        case .one(let text): [text]
        case .many(let texts): texts
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .one(text)
        } else {
            self = .many(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .one(let text): try container.encode(text)
        case .many(let texts): try container.encode(texts)
        }
    }
}

/// Which key: NCALayer filters the user's keys by the extended key usage OIDs a page names.
public struct SignerParameters: Sendable, Codable, Hashable {
    public var extKeyUsageOids: [String]?
    public var chain: [String]?

    public init(extKeyUsageOids: [String]? = nil, chain: [String]? = nil) {
        self.extKeyUsageOids = extKeyUsageOids
        self.chain = chain
    }
}

/// The signer's answer to one request.
public enum SignerResponse: Sendable, Hashable {
    /// The signed XML texts, in the order of the request's data.
    case signed([String])
    /// A refusal: a stable code (docs/ERRORS.md), a sentence in the request's language, and the specifics (English).
    case refused(code: ErrorCode, message: String, details: String)

    /// The JSON text sent on the websocket.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let data: Data?
        switch self {
        case .signed(let results):
            data = try? encoder.encode(Success(status: true, body: .init(result: results)))
        case .refused(let code, let message, let details):
            data = try? encoder.encode(Failure(status: false, code: code.rawValue, message: message, details: details))
        }
        return data.map { String(decoding: $0, as: UTF8.self) } ?? #"{"status":false,"code":"INTERNAL"}"#
    }

    /// Reads an answer (what a client of the signer, e.g. a test, receives).
    public init(json: String) throws {
        let data = Data(json.utf8)
        let decoder = JSONDecoder()
        if let success = try? decoder.decode(Success.self, from: data), success.status {
            self = .signed(success.body.result)
            return
        }
        let failure = try decoder.decode(Failure.self, from: data)
        self = .refused(code: ErrorCode(failure.code), message: failure.message, details: failure.details ?? "")
    }

    /// The refusal's code, nil for a success.
    public var code: ErrorCode? {
        if case .refused(let code, _, _) = self { return code }
        return nil
    }

    private struct Success: Codable {
        struct Body: Codable { var result: [String] }
        var status: Bool
        var body: Body
    }

    private struct Failure: Codable {
        var status: Bool
        var code: String
        var message: String
        var details: String?
    }
}
