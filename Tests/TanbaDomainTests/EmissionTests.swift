import Crypto
import Foundation
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaTestSupport
import Testing

/// The cryptographic tail: a genuine code verifies; altered, moved, truncated or unknown-key codes fail; codes come
/// out in their product group's national format.
@Suite struct EmissionTests {
    static let key = EmissionKey.generate()
    static let emitter = CodeEmitter(key: key)
    static let authenticator = CodeAuthenticator(keys: [key])
    static let gtin = "04870001000011"

    static func issued() throws -> CodeRecord {
        try emitter.issue(gtin: gtin, count: 1, owner: "050140001238", at: Date())[0]
    }

    static func verify(_ code: CodeRecord, gtin: String = gtin, serial: String? = nil, tail: String? = nil) throws {
        try authenticator.verify(
            gtin: gtin, serial: serial ?? String(code.id.dropFirst(18)), keyID: code.keyID,
            verificationCode: tail ?? code.verificationCode, length: code.verificationCode!.count)
    }

    @Test func aGenuineCodeVerifies() throws {
        let code = try Self.issued()
        #expect(code.keyID == Self.key.id && code.keyID?.count == 4)
        #expect(code.verificationCode?.count == 44)
        #expect(code.verificationCode!.allSatisfy(GS1.isInCharacterSet82))
        try Self.verify(code)
        // As printed and scanned back: every form parses to the same code and tail.
        let raw = "\(code.id)\u{1D}91\(code.keyID!)\u{1D}92\(code.verificationCode!)"
        let parsed = try MarkingCode.parse("]d2" + raw)
        #expect(parsed.identification == code.id && parsed.verificationCode == code.verificationCode)
        try Self.authenticator.verify(
            gtin: parsed.gtin.value, serial: parsed.serial, keyID: parsed.keyID,
            verificationCode: parsed.verificationCode, length: 44)
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
            try Self.authenticator.verify(
                gtin: Self.gtin, serial: "X", keyID: nil, verificationCode: nil, length: 44)
        }
    }

    @Test func rotationKeepsOldCodesVerifiable() throws {
        let old = try Self.issued()
        let newKey = EmissionKey.generate(avoiding: [Self.key.id])
        let new = try CodeEmitter(key: newKey).issue(gtin: Self.gtin, count: 1, owner: "050140001238", at: Date())[0]
        let both = CodeAuthenticator(keys: [Self.key, newKey])
        for code in [old, new] {
            try both.verify(
                gtin: Self.gtin, serial: String(code.id.dropFirst(18)), keyID: code.keyID,
                verificationCode: code.verificationCode, length: 44)
        }
    }

    @Test func serialsAreUniqueAndInTheGS1Alphabet() throws {
        let codes = try Self.emitter.issue(gtin: Self.gtin, count: 20_000, owner: "050140001238", at: Date())
        #expect(Set(codes.map(\.id)).count == 20_000)
        #expect(codes.allSatisfy { $0.id.count == 31 && (try? MarkingCode.parse($0.id)) != nil })
    }

    @Test func aTruncatedTailFails() throws {
        let code = try Self.issued()
        // The first characters of a genuine tail are genuine too: a shortened tail must not pass as a short one.
        expectCode(.codeForged) { try Self.verify(code, tail: String(code.verificationCode!.prefix(3))) }
        expectCode(.codeForged) { try Self.verify(code, tail: "") }
        // A character added: with the tail's own length unchecked, this passed whenever the longer tail's next
        // character was that one (1 in 64), so every character is tried.
        for extra in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" {
            expectCode(.codeForged) { try Self.verify(code, tail: code.verificationCode! + String(extra)) }
        }
    }

    /// The tail is the MAC's standard base64 as Foundation writes it (padding included), cut to the format's
    /// length: every code issued before the hub wrote its own base64 must still verify. Failure mode: a tail that
    /// differs from the stored codes' in any position or length, from 1 to 88 characters.
    @Test func theTailIsTheMACsBase64AsFoundationWritesIt() throws {
        for length in 1...88 {
            let emitter = CodeEmitter(key: Self.key, serialLength: 13, tailLength: length)
            for index in 0..<20 {
                let serial = "S\(length)x\(index)"
                let mac = HMAC<SHA512>.authenticationCode(
                    for: Array("01\(Self.gtin)21\(serial)".utf8), using: Self.key.secret)
                let expected = String(Data(mac).base64EncodedString().prefix(length))
                #expect(try emitter.verificationCode(gtin: Self.gtin, serial: serial) == expected)
            }
        }
    }

    @Test func aKeySurvivesItsStoredForm() throws {
        let restored = try EmissionKey(id: Self.key.id, exported: Self.key.exported, createdAt: Self.key.createdAt)
        let code = try Self.issued()
        try CodeAuthenticator(keys: [restored]).verify(
            gtin: Self.gtin, serial: String(code.id.dropFirst(18)), keyID: code.keyID,
            verificationCode: code.verificationCode, length: 44)
        expectCode(.storeFailure) { _ = try EmissionKey(id: "AB12", exported: "garbage", createdAt: Date()) }
    }

    /// Each product group's codes have the shape its national format (reference data) gives, and parse back
    /// through that format in every printed form.
    @Test(arguments: [
        ("shoes", 13, "92", 44), ("tobacco", 7, "93", 4), ("milk", 6, "93", 4), ("water", 6, "93", 4),
        ("beer", 13, "93", 4),
    ])
    func codesFollowTheirGroupsFormat(group: String, serial: Int, tailAI: String, tail: Int) throws {
        let reference = ReferenceDataTests.data
        let format = try #require(reference.codeFormat(ofGroup: group))
        let code = try CodeEmitter(key: Self.key, format: format).issue(
            gtin: Self.gtin, count: 1, owner: "050140001238", at: Date())[0]
        #expect(code.id.count == 18 + serial)
        #expect(code.verificationCode?.count == tail)
        let elements = format.elements(of: code)
        #expect(elements.last?.ai.code == tailAI)
        for printed in [GS1.raw(elements), GS1.bracketed(elements), "]d2" + GS1.raw(elements)] {
            let parsed = try MarkingCode.parse(printed, formats: reference.codeFormats) { _ in format }
            #expect(parsed.identification == code.id)
            try Self.authenticator.verify(
                gtin: parsed.gtin.value, serial: parsed.serial, keyID: parsed.keyID ?? code.keyID,
                verificationCode: parsed.verificationCode ?? parsed.crypto93, length: tail)
        }
    }
}
