public import Crypto
public import Foundation
public import TanbaDomain
import TanbaErrors

/// An operator's emission key: it signs the verification code (AI 92) of every code it issues; its id is AI 91.
///
/// ECDSA P-256: a genuine code verifies offline with the published public key, and a forged or copied-onto-
/// another-product code does not. Keys rotate: new codes use the newest key, old codes keep verifying with theirs.
/// `@unchecked`: swift-crypto 3 does not mark its keys Sendable, but they are immutable and BoringSSL signs
/// with a shared key from several threads.
public struct EmissionKey: @unchecked Sendable {
    /// Four characters, carried as AI 91.
    public let id: String
    public let privateKey: P256.Signing.PrivateKey
    public let createdAt: Date

    public init(id: String, privateKey: P256.Signing.PrivateKey, createdAt: Date) {
        self.id = id
        self.privateKey = privateKey
        self.createdAt = createdAt
    }

    /// A new key whose id is derived from its public key and not among `taken`.
    public static func generate(at date: Date = Date(), avoiding taken: Set<String> = []) -> EmissionKey {
        while true {
            let key = P256.Signing.PrivateKey()
            let digest = SHA256.hash(data: key.publicKey.rawRepresentation)
            let id = digest.prefix(2).map { String(format: "%02X", $0) }.joined()
            if !taken.contains(id) { return EmissionKey(id: id, privateKey: key, createdAt: date) }
        }
    }

    public var publicKey: VerificationKey { VerificationKey(id: id, publicKey: privateKey.publicKey) }
}

/// A published emission public key: what anyone needs to check a code offline.
public struct VerificationKey: @unchecked Sendable, Hashable {
    public let id: String
    public let publicKey: P256.Signing.PublicKey

    public init(id: String, publicKey: P256.Signing.PublicKey) {
        self.id = id
        self.publicKey = publicKey
    }

    public static func == (lhs: VerificationKey, rhs: VerificationKey) -> Bool {
        lhs.id == rhs.id && lhs.publicKey.rawRepresentation == rhs.publicKey.rawRepresentation
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// Issues marking codes: fresh serials and their verification codes.
public struct CodeEmitter: Sendable {
    public let key: EmissionKey
    /// Serial length; 13 is what most product groups use.
    public let serialLength: Int
    /// Leading serial characters shared by one order: the minute of emission in base 62 (wrapping about every
    /// 165 days). Codes of one order are then neighbours in the store's index, so issuing, shipping and selling a
    /// batch touch a few index pages instead of one per code (2× faster issuing on a store of millions). The
    /// other ten characters (62^10 ≈ 8·10^17 per minute) stay random, so serials cannot be guessed; forgery is
    /// stopped by the verification code in any case.
    public static let batchPrefixLength = 3

    /// Characters of generated serials: letters and digits only, a subset of GS1 set 82 that survives every
    /// printer, scanner and XML document unescaped.
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    public init(key: EmissionKey, serialLength: Int = 13) {
        self.key = key
        self.serialLength = serialLength
    }

    /// A serial: the batch prefix, then random characters (CSPRNG). Uniqueness is the store's to enforce.
    ///
    /// Six random bits per character with rejection of the two values past the alphabet (no modulo bias);
    /// 64 bits are drawn at a time because each draw from the system generator is a system call.
    public func randomSerial<G: RandomNumberGenerator>(prefix: String = "", using generator: inout G) -> String {
        var bytes = Array(prefix.utf8.prefix(serialLength))
        bytes.reserveCapacity(serialLength)
        var pool: UInt64 = 0
        var bits = 0
        while bytes.count < serialLength {
            if bits < 6 {
                pool = generator.next()
                bits = 64
            }
            let value = Int(pool & 0x3F)
            pool >>= 6
            bits -= 6
            if value < Self.alphabet.count { bytes.append(Self.alphabet[value]) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The batch prefix for codes emitted at `date`.
    public static func batchPrefix(at date: Date) -> String {
        var minute = Int(date.timeIntervalSince1970 / 60)
        var characters: [UInt8] = []
        for _ in 0..<batchPrefixLength {
            characters.append(alphabet[minute % alphabet.count])
            minute /= alphabet.count
        }
        return String(decoding: characters.reversed(), as: UTF8.self)
    }

    /// The verification code of GTIN + serial: base64 of the raw ECDSA signature r ‖ s (88 characters, within
    /// AI 92's 90 and inside GS1 set 82).
    public func verificationCode(gtin: String, serial: String) throws -> String {
        let signature = try key.privateKey.signature(for: Data(CodeEmitter.message(gtin: gtin, serial: serial)))
        return signature.rawRepresentation.base64EncodedString()
    }

    /// What is signed: the identification part as documents carry it, `01` GTIN `21` serial.
    static func message(gtin: String, serial: String) -> [UInt8] { Array("01\(gtin)21\(serial)".utf8) }

    /// Issues `count` new unit codes for `gtin` to `owner`, signing on every core.
    public func issue(gtin: String, count: Int, owner: String, at date: Date) throws -> [CodeRecord] {
        guard count > 0 else { return [] }
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / 1000))
        let chunk = (count + workers - 1) / workers
        let results = UnsafeMutableBufferPointer<Result<[CodeRecord], any Error>?>.allocate(capacity: workers)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let slots = SendableBuffer(results)
        let prefix = Self.batchPrefix(at: date)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var generator = SystemRandomNumberGenerator()
            let n = min(chunk, count - worker * chunk)
            slots.buffer[worker] = Result {
                try (0..<max(0, n)).map { _ in
                    let serial = randomSerial(prefix: prefix, using: &generator)
                    return CodeRecord(
                        id: "01\(gtin)21\(serial)", level: .unit, gtin: gtin, status: .issued, owner: owner,
                        emitter: owner, keyID: key.id,
                        verificationCode: try verificationCode(gtin: gtin, serial: serial),
                        issuedAt: date)
                }
            }
        }
        return try results.flatMap { try $0!.get() }
    }
}

/// Lets concurrent workers write disjoint slots of one buffer.
private struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// Checks a code's cryptographic tail against the published keys.
public struct CodeAuthenticator: Sendable {
    public let keys: [String: VerificationKey]

    public init(keys: [VerificationKey]) { self.keys = Dictionary(keys.map { ($0.id, $0) }) { first, _ in first } }

    /// - Throws: `EMISSION_KEY_UNKNOWN` for an unknown AI 91, `CODE_FORGED` when AI 92 does not verify or is
    ///   missing.
    public func verify(gtin: String, serial: String, keyID: String?, verificationCode: String?) throws {
        guard let keyID, let verificationCode else {
            throw TanbaError(.codeForged, "01\(gtin)21\(serial): the code carries no verification tail (AI 91/92)")
        }
        guard let key = keys[keyID] else {
            throw TanbaError(.emissionKeyUnknown, "01\(gtin)21\(serial): emission key '\(keyID)' is unknown")
        }
        guard let raw = Data(base64Encoded: verificationCode),
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: raw),
            key.publicKey.isValidSignature(signature, for: Data(CodeEmitter.message(gtin: gtin, serial: serial)))
        else {
            throw TanbaError(
                .codeForged, "01\(gtin)21\(serial): the verification code does not match (forged or altered)")
        }
    }
}
