import TanbaErrors

/// A GS1 date as AIs (11) production date and (17) expiry carry it: YYMMDD, with DD = 00 meaning "no day given".
///
/// The year stays two digits: which century it lies in depends on the date it is read at (GS1's sliding window),
/// so `fullYear(relativeTo:)` takes that year explicitly instead of reading a clock.
public struct GS1Date: Hashable, Sendable, CustomStringConvertible {
    /// YY, 0…99.
    public let twoDigitYear: Int
    /// 1…12.
    public let month: Int
    /// 1…31, or nil when DD is 00: the month only is given (for an expiry, GS1 reads it as the month's last day).
    public let day: Int?

    /// Parses YYMMDD.
    /// - Throws: `GS1_DATE`, or `GS1_LENGTH`/`GS1_CHARACTER` when `yymmdd` is not six digits.
    public init(_ yymmdd: String) throws {
        let scalars = Array(yymmdd.unicodeScalars)
        if let offset = scalars.firstIndex(where: { !GS1Text.isDigit($0) }) {
            throw TanbaError(
                .gs1Character, "a GS1 date has digits only, found \(GS1Text.describe(scalars[offset]))",
                column: offset + 1)
        }
        guard scalars.count == 6 else {
            throw TanbaError(.gs1Length, "a GS1 date has 6 digits (YYMMDD), found \(scalars.count)", column: 1)
        }
        switch Self.validated(yymmdd) {
        case .success(let date): self = date
        case .failure(let problem): throw TanbaError(.gs1Date, "\(yymmdd) is not a date: \(problem.reason)", column: 1)
        }
    }

    init(twoDigitYear: Int, month: Int, day: Int?) {
        self.twoDigitYear = twoDigitYear
        self.month = month
        self.day = day
    }

    struct Problem: Error {
        let reason: String
    }

    /// Six ASCII digits as a date, or why they are not one.
    static func validated(_ yymmdd: String) -> Result<GS1Date, Problem> {
        guard let digits = GS1Text.digitValues(yymmdd), digits.count == 6 else {
            return .failure(Problem(reason: "not six digits YYMMDD"))
        }
        let year = Int(digits[0]) * 10 + Int(digits[1])
        let month = Int(digits[2]) * 10 + Int(digits[3])
        let day = Int(digits[4]) * 10 + Int(digits[5])
        guard (1...12).contains(month) else { return .failure(Problem(reason: "there is no month \(month)")) }
        if day == 0 { return .success(GS1Date(twoDigitYear: year, month: month, day: nil)) }
        let last = lastDay(ofMonth: month, twoDigitYear: year)
        guard day <= last else {
            return .failure(Problem(reason: "month \(month) has \(last) days, not \(day)"))
        }
        return .success(GS1Date(twoDigitYear: year, month: month, day: day))
    }

    /// Leap years by YY alone: every YY divisible by 4 is a leap year within GS1's window until the window reaches
    /// 2100 (from 2050 on), so February 29th of YY 00 is accepted for now.
    static func lastDay(ofMonth month: Int, twoDigitYear year: Int) -> Int {
        switch month {
        case 2: year.isMultiple(of: 4) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The four-digit year, by GS1's rule (General Specifications §7.12): the year lies from 49 years before to
    /// 50 years after `currentYear`.
    public func fullYear(relativeTo currentYear: Int) -> Int {
        let currentTwoDigits = currentYear % 100
        let century = currentYear - currentTwoDigits
        let difference = twoDigitYear - currentTwoDigits
        if difference >= 51 { return century - 100 + twoDigitYear }
        if difference <= -50 { return century + 100 + twoDigitYear }
        return century + twoDigitYear
    }

    /// YYMMDD, as encoded.
    public var description: String {
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return twoDigits(twoDigitYear) + twoDigits(month) + twoDigits(day ?? 0)
    }
}
