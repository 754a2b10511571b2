import TanbaDomain
import TanbaErrors
import Testing

/// IIN/BIN checksums, cross-checked against samples/tools/checkdigits.py.
@Suite struct IdentifierTests {
    static let valid = [
        "050140001238", "850315300128", "781112400128", "920701400128", "031240500125", "660501300129",
        "990102400124",
    ]

    @Test(arguments: valid)
    func validIdentifiers(text: String) throws {
        #expect(KazakhIdentifier.isValid(text))
        let identifier = try KazakhIdentifier(text)
        #expect(identifier.value == text)
        #expect(identifier.description == text)
        #expect(KazakhIdentifier.checkDigit(forBody: String(text.prefix(11))) == text.last?.wholeNumberValue)
    }

    /// Every digit but d11 is covered by the first weights (weight 11 is 0 mod 11), so raising any other digit by
    /// one always breaks the checksum.
    @Test(arguments: valid)
    func oneDigitChangedIsInvalid(text: String) {
        for position in Array(0..<10) + [11] {
            var digits = Array(text)
            digits[position] = Character(String((digits[position].wholeNumberValue! + 1) % 10))
            let changed = String(digits)
            #expect(!KazakhIdentifier.isValid(changed), "\(changed)")
            let error = expectInvalid { _ = try KazakhIdentifier(changed) }
            #expect(error?.diagnostics[0].column == 12)
        }
    }

    /// The algorithm's known blind spot, kept as a test so nobody "fixes" the checksum into a different one.
    @Test func digitElevenAloneIsNotCheckedWhenTheFirstSumIsUsed() {
        #expect(KazakhIdentifier.isValid("050140001208"))
    }

    @Test func secondWeightsAreUsedWhenTheFirstSumIsTen() throws {
        // 9·1 + 1·4 + 1·6 + 3·7 + 8·10 + 1·11 = 131 ≡ 10 (mod 11); with weights 3…11, 1, 2 it is 78 ≡ 1.
        #expect(KazakhIdentifier.checkDigit(forBody: "90010130081") == 1)
        #expect(try KazakhIdentifier("900101300811").value == "900101300811")
        #expect(!KazakhIdentifier.isValid("900101300810"))
    }

    @Test func bodyWithoutAnyCheckDigitIsNeverValid() {
        #expect(KazakhIdentifier.checkDigit(forBody: "00000752305") == nil)
        for digit in 0...9 { #expect(!KazakhIdentifier.isValid("00000752305\(digit)")) }
        let error = expectInvalid { _ = try KazakhIdentifier("000007523050") }
        #expect(error?.message.contains("both weight sets") == true)
    }

    @Test(arguments: [
        ("", Optional<Int>.none), ("05014000123", nil), ("0501400012381", nil), ("05014000123a", 12),
        ("0501 0001238", 5), ("050140001238 ", 13), ("٠٥٠١٤٠٠٠١٢٣٨", 1), ("-50140001238", 1),
    ])
    func wrongLengthOrNonDigitIsInvalid(text: String, column: Int?) {
        #expect(!KazakhIdentifier.isValid(text))
        let error = expectInvalid { _ = try KazakhIdentifier(text) }
        #expect(error?.diagnostics[0].column == column)
    }

    @Test func checkDigitMessageDoesNotRepeatTheNumber() {
        let error = expectInvalid { _ = try KazakhIdentifier("850315300129") }
        #expect(error?.message == "the IIN/BIN check digit is 9, expected 8")
    }

    @Test func kindComesFromDigitFive() throws {
        #expect(try KazakhIdentifier("050140001238").kind == .organisation)
        #expect(try KazakhIdentifier("031240500125").kind == .organisation)
        #expect(try KazakhIdentifier("850315300128").kind == .individual)
        #expect(try KazakhIdentifier("990102400124").kind == .individual)
    }

    @Test func checkDigitForMalformedBodyIsNil() {
        #expect(KazakhIdentifier.checkDigit(forBody: "1234567890") == nil)
        #expect(KazakhIdentifier.checkDigit(forBody: "1234567890a") == nil)
        #expect(KazakhIdentifier.checkDigit(forBody: "12345678901") == 3)
    }
}

/// Runs `body`, expects an `ID_INVALID` `TanbaError`, and returns it for further checks.
@discardableResult
private func expectInvalid(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> TanbaError?
{
    do {
        try body()
        Issue.record("expected ID_INVALID, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as TanbaError {
        #expect(error.code == .identifierInvalid, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected ID_INVALID, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
