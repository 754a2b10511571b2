import Foundation
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// The journal of public checks as the store writes it: a batch goes in one statement (on SQLite as one JSON array),
/// so what comes back must be what went in. Numbers travel as decimal text there, and SQLite's reading of a
/// 17-digit decimal may land one unit in the last place away (2·10⁻⁷ s on today's times), so times are held to a
/// microsecond and places to 10⁻⁹ degrees (0.1 mm); text and nothing-at-all are held exactly.
@Suite struct CheckJournalStoreTests {
    /// Failure modes: a time or place that loses precision on the way (a number written short), a missing
    /// address or place read back as 0 or "" instead of nothing, text that needs escaping (quotes, backslashes,
    /// control characters, Cyrillic) cut or mangled, a batch larger than one statement's slice.
    @Test(arguments: TestBackend.available)
    func aBatchOfChecksComesBackExactlyNullsAndAwkwardTextIncluded(_ backend: TestBackend) throws {
        let store = try LedgerTests(backend).store
        let base = Date(timeIntervalSince1970: 1_764_651_234.123_456_7)
        let awkward = "shop \"Ақ\\жол\"\u{1}\n"
        var checks: [PublicCheckEntry] = []
        for index in 0..<2_500 {
            let located = index % 3 == 0
            checks.append(
                PublicCheckEntry(
                    code: index == 7 ? "0104870001000028" + "21" + awkward : "CODE-\(index % 5)",
                    at: base.addingTimeInterval(Double(index) * 0.001_3), address: index % 4 == 0 ? nil : awkward,
                    outcome: "genuine", latitude: located ? 43.238_949_1 + Double(index) * 1e-7 : nil,
                    longitude: located ? -76.889_709_3 - Double(index) * 1e-9 : nil))
        }
        try store.write { try $0.record(checks) }
        // Every code's located checks, some of them without an address (every twelfth).
        for code in ["CODE-0", "CODE-3", "CODE-4"] {
            let back = try store.read { try $0.locatedChecks(of: code, since: base, limit: 10_000) }
            let sent = checks.filter { $0.code == code && $0.latitude != nil }
            #expect(back.count == sent.count && !sent.isEmpty)
            for (read, written) in zip(back, sent) {
                #expect(abs(read.at.timeIntervalSince(written.at)) < 1e-6)
                #expect(read.address == written.address)
                #expect(
                    abs(read.latitude! - written.latitude!) < 1e-9 && abs(read.longitude! - written.longitude!) < 1e-9)
                #expect(read.outcome == written.outcome)
            }
        }
    }
}
