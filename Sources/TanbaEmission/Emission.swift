public import Crypto
public import Foundation
public import TanbaDomain
import TanbaErrors

/// An operator's emission key: it makes the verification code (AI 92, or AI 93 for groups with the short tail) of
/// every code it issues; its id is AI 91.
///
/// The national format fixes AI 92 at 44 characters (33 bytes in base64) and AI 93 at 4: no standard public-key
/// signature of adequate strength fits (ECDSA P-256 needs 88 characters), so, as in the national systems, the tail
/// is a keyed MAC — HMAC-SHA-512 of `01` GTIN `21` serial, base64, cut to the format's length — and the operator
/// (the hub) checks it. Secrets never leave the store; `tanba keys list` shows ids and dates only. Keys rotate:
/// new codes use the newest key, old codes keep verifying with theirs (AI 91 names it; for AI 93 codes the store
/// keeps which key issued each code). `@unchecked`: swift-crypto 3 does not mark `SymmetricKey` Sendable, but it is
/// immutable.
public struct EmissionKey: @unchecked Sendable {
    /// Four characters, carried as AI 91.
    public let id: String
    public let secret: SymmetricKey
    public let createdAt: Date
    /// HMAC keyed with `secret`, not yet fed: copied for each tail, so the key's two pad blocks are hashed once
    /// per key instead of once per code (issuing and every public check make tails).
    private let keyed: HMAC<SHA512>

    /// The stored form's prefix: the algorithm, so that a later one can sit beside it.
    static let exportPrefix = "hmac-sha512:"

    public init(id: String, secret: SymmetricKey, createdAt: Date) {
        self.id = id
        self.secret = secret
        self.createdAt = createdAt
        keyed = HMAC<SHA512>(key: secret)
    }

    /// A key from its stored form (`exported`).
    ///
    /// A PEM private key is what stores made before the 44-character tail kept (an ECDSA P-256 key); its secret
    /// bytes are still secret, so the MAC key is derived from them and such a store keeps issuing without a
    /// migration. Codes it issued under ECDSA carry 88-character tails, which the national format refuses anyway.
    /// - Throws: `STORE_FAILURE` when the stored text is neither form.
    public init(id: String, exported: String, createdAt: Date) throws {
        if exported.hasPrefix(Self.exportPrefix),
            let bytes = Data(base64Encoded: String(exported.dropFirst(Self.exportPrefix.count))), bytes.count >= 32
        {
            self.init(id: id, secret: SymmetricKey(data: bytes), createdAt: createdAt)
        } else if exported.hasPrefix("-----BEGIN") {
            self.init(id: id, secret: SymmetricKey(data: SHA256.hash(data: Data(exported.utf8))), createdAt: createdAt)
        } else {
            throw TanbaError(.storeFailure, "emission key \(id) is stored in a form the hub cannot read")
        }
    }

    /// The stored form: the algorithm and the secret in base64.
    public var exported: String {
        Self.exportPrefix + secret.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// A new 256-bit key whose id (four hex digits of a hash of the secret) is not among `taken`.
    public static func generate(at date: Date = Date(), avoiding taken: Set<String> = []) -> EmissionKey {
        while true {
            let secret = SymmetricKey(size: .bits256)
            let digest = secret.withUnsafeBytes { SHA256.hash(data: Data($0)) }
            let id = digest.prefix(2).map { String(format: "%02X", $0) }.joined()
            if !taken.contains(id) { return EmissionKey(id: id, secret: secret, createdAt: date) }
        }
    }

    /// The verification code of `01` GTIN `21` serial, `length` characters (at most 88).
    func tail(gtin: String, serial: String, length: Int) -> String {
        String(decoding: tailBytes(gtin: gtin, serial: serial, length: length), as: UTF8.self)
    }

    /// `tail` as ASCII bytes: the MAC's standard base64 (padded, as Foundation writes it), its first `length`
    /// characters. Written here rather than through `Data.base64EncodedString`, whose string every public
    /// check then took apart again.
    func tailBytes(gtin: String, serial: String, length: Int) -> [UInt8] {
        var hmac = keyed
        hmac.update(data: CodeEmitter.message(gtin: gtin, serial: serial))
        let mac = hmac.finalize()
        let alphabet = Self.base64
        var out: [UInt8] = []
        out.reserveCapacity(88)
        mac.withUnsafeBytes { bytes in
            var index = 0
            // Only the groups the tail needs (a 4-character AI 93 tail is one group of the 88).
            while index < bytes.count && out.count < length {
                let rest = bytes.count - index
                let b0 = UInt32(bytes[index])
                let b1 = rest > 1 ? UInt32(bytes[index + 1]) : 0
                let b2 = rest > 2 ? UInt32(bytes[index + 2]) : 0
                let group = b0 << 16 | b1 << 8 | b2
                out.append(alphabet[Int(group >> 18 & 63)])
                out.append(alphabet[Int(group >> 12 & 63)])
                out.append(rest > 1 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
                out.append(rest > 2 ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
                index += 3
            }
        }
        if out.count > length { out.removeLast(out.count - length) }
        return out
    }

    private static let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
}

/// Issues marking codes: fresh serials and their verification codes.
public struct CodeEmitter: Sendable {
    public let key: EmissionKey
    /// Serial length; 13 is what most product groups use.
    public let serialLength: Int
    /// The verification code's length: 44 for AI 92, 4 for AI 93.
    public let tailLength: Int
    /// Leading serial characters shared by one order: the minute of emission in base 62 (wrapping about every
    /// 165 days). Codes of one order are then neighbours in the store's index, so issuing, shipping and selling a
    /// batch touch a few index pages instead of one per code (2× faster issuing on a store of millions). The
    /// other ten characters (62^10 ≈ 8·10^17 per minute) stay random, so serials cannot be guessed; forgery is
    /// stopped by the verification code in any case.
    public static let batchPrefixLength = 3

    /// Characters of generated serials: letters and digits only, a subset of GS1 set 82 that survives every
    /// printer, scanner and XML document unescaped.
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    public init(key: EmissionKey, serialLength: Int = 13, tailLength: Int = 44) {
        self.key = key
        self.serialLength = serialLength
        self.tailLength = min(88, max(1, tailLength))
    }

    /// An emitter of codes in a product group's national format: its serial length, and the length of its
    /// verification code (AI 92, or AI 93 for the short tail).
    public init(key: EmissionKey, format: NationalCodeFormat) {
        let tail = format.length(of: .verificationCode) ?? format.length(of: .crypto93) ?? 44
        self.init(key: key, serialLength: format.length(of: .serial) ?? 13, tailLength: tail)
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

    /// The verification code of GTIN + serial (`tailLength` characters of GS1 set 82).
    public func verificationCode(gtin: String, serial: String) throws -> String {
        key.tail(gtin: gtin, serial: serial, length: tailLength)
    }

    /// What the code authenticates: the identification part as documents carry it, `01` GTIN `21` serial.
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
        // The batch prefix takes 3 of the serial's characters; a short national serial (6 for milk and water, 7 for
        // tobacco) cannot spare them, or one minute's codes would share a space of 62^3.
        let prefix = serialLength >= Self.batchPrefixLength + 10 ? Self.batchPrefix(at: date) : ""
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
        var codes = try results.flatMap { try $0!.get() }
        // Serials are random: within one batch two may meet (likely in a large order of short serials). Those are
        // drawn again, so a batch never collides with itself; the store refuses one that exists already.
        var seen = Set<String>(minimumCapacity: codes.count)
        for index in codes.indices where !seen.insert(codes[index].id).inserted {
            repeat {
                codes[index] = try issue(gtin: gtin, count: 1, owner: owner, at: date)[0]
            } while !seen.insert(codes[index].id).inserted
        }
        return codes
    }
}

/// Lets concurrent workers write disjoint slots of one buffer.
private struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// Checks a code's verification code with the operator's emission keys.
public struct CodeAuthenticator: Sendable {
    public let keys: [String: EmissionKey]
    /// The shortest tail accepted: AI 93's four characters. A shorter one would be guessed too easily.
    public static let minimumTailLength = 4

    public init(keys: [EmissionKey]) { self.keys = Dictionary(keys.map { ($0.id, $0) }) { first, _ in first } }

    /// - Parameter keyID: AI 91, or for a code whose format has none (AI 93), the key the store recorded.
    /// - Parameter length: the tail's length as issued (the code's national format: 44 for AI 92, 4 for AI 93).
    ///   Tails of one key and code are prefixes of each other, so without the length a genuine tail with a
    ///   character added (1 in 64) or cut off would verify as a tail of another length.
    /// - Throws: `EMISSION_KEY_UNKNOWN` for an unknown key id, `CODE_FORGED` when the tail does not verify, is
    ///   missing, too short, or not of the issued length.
    public func verify(gtin: String, serial: String, keyID: String?, verificationCode: String?, length: Int) throws {
        guard let keyID, let verificationCode else {
            throw TanbaError(.codeForged, "01\(gtin)21\(serial): the code carries no verification tail (AI 91/92)")
        }
        guard let key = keys[keyID] else {
            throw TanbaError(.emissionKeyUnknown, "01\(gtin)21\(serial): emission key '\(keyID)' is unknown")
        }
        let given = Array(verificationCode.utf8)
        let expected = key.tailBytes(gtin: gtin, serial: serial, length: given.count)
        // Compared without an early exit, so the time taken tells nothing about how much of a guess was right.
        let differences = zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
        guard given.count >= Self.minimumTailLength, given.count == length, given.count == expected.count,
            differences == 0
        else {
            throw TanbaError(
                .codeForged, "01\(gtin)21\(serial): the verification code does not match (forged or altered)")
        }
    }
}
