import Foundation
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaTestSupport
import Testing

/// The cryptographic tail: a genuine code verifies online and offline; altered, moved or unknown-key codes fail.
@Suite struct EmissionTests {
    static let key = EmissionKey.generate()
    static let emitter = CodeEmitter(key: key)
    static let authenticator = CodeAuthenticator(keys: [key.publicKey])
    static let gtin = "04870001000011"

    static func issued() throws -> CodeRecord {
        try emitter.issue(gtin: gtin, count: 1, owner: "050140001238", at: Date())[0]
    }

    static func verify(_ code: CodeRecord, gtin: String = gtin, serial: String? = nil, tail: String? = nil) throws {
        try authenticator.verify(
            gtin: gtin, serial: serial ?? String(code.id.dropFirst(18)), keyID: code.keyID,
            verificationCode: tail ?? code.verificationCode)
    }

    @Test func aGenuineCodeVerifies() throws {
        let code = try Self.issued()
        #expect(code.keyID == Self.key.id && code.keyID?.count == 4)
        #expect(code.verificationCode?.count == 88)
        try Self.verify(code)
        // As printed and scanned back: every form parses to the same code and tail.
        let raw = "\(code.id)\u{1D}91\(code.keyID!)\u{1D}92\(code.verificationCode!)"
        let parsed = try MarkingCode.parse("]d2" + raw)
        #expect(parsed.identification == code.id && parsed.verificationCode == code.verificationCode)
        try Self.authenticator.verify(
            gtin: parsed.gtin.value, serial: parsed.serial, keyID: parsed.keyID,
            verificationCode: parsed.verificationCode)
    }

    @Test func oneChangedCharacterFails() throws {
        let code = try Self.issued()
        var tail = Array(code.verificationCode!)
        tail[10] = tail[10] == "A" ? "B" : "A"
        expectCode(.codeForged) { try Self.verify(code, tail: String(tail)) }
        var serial = Array(code.id.dropFirst(18))
        serial[0] = serial[0] == "A" ? "B" : "A"
        expectCode(.codeForged) { try Self.verify(code, serial: String(serial)) }
    }

    @Test func aSerialMovedToAnotherGTINFails() throws {
        expectCode(.codeForged) { try Self.verify(try Self.issued(), gtin: "04870002000010") }
    }

    @Test func anUnknownKeyFails() throws {
        let other = CodeEmitter(key: EmissionKey.generate(avoiding: [Self.key.id]))
        let code = try other.issue(gtin: Self.gtin, count: 1, owner: "050140001238", at: Date())[0]
        expectCode(.emissionKeyUnknown) { try Self.verify(code) }
        expectCode(.codeForged) {
            try Self.authenticator.verify(gtin: Self.gtin, serial: "X", keyID: nil, verificationCode: nil)
        }
    }

    @Test func rotationKeepsOldCodesVerifiable() throws {
        let old = try Self.issued()
        let newKey = EmissionKey.generate(avoiding: [Self.key.id])
        let new = try CodeEmitter(key: newKey).issue(gtin: Self.gtin, count: 1, owner: "050140001238", at: Date())[0]
        let both = CodeAuthenticator(keys: [Self.key.publicKey, newKey.publicKey])
        for code in [old, new] {
            try both.verify(
                gtin: Self.gtin, serial: String(code.id.dropFirst(18)), keyID: code.keyID,
                verificationCode: code.verificationCode)
        }
    }

    @Test func serialsAreUniqueAndInTheGS1Alphabet() throws {
        let codes = try Self.emitter.issue(gtin: Self.gtin, count: 20_000, owner: "050140001238", at: Date())
        #expect(Set(codes.map(\.id)).count == 20_000)
        #expect(codes.allSatisfy { $0.id.count == 31 && (try? MarkingCode.parse($0.id)) != nil })
    }
}
