import Foundation
import TanbaCore
import TanbaStore
import Testing

/// `from`/`to` and `tanba documents list --from/--to` read RFC 3339 date-times strictly: an offset or a time that
/// cannot exist is refused rather than read as some other instant.
@Suite struct InstantTests {
    @Test func possibleDateTimesAreReadExactly() throws {
        let utc = try #require(DocumentFilter.instant("2026-11-20T04:30:00Z", endOfDay: false))
        #expect(utc == Date(timeIntervalSince1970: 1_795_149_000))
        for text in [
            "2026-11-20T09:30:00+05:00", "2026-11-20t04:30:00z", "2026-11-20T02:00:00-02:30",
            "2026-11-21T04:29:00+23:59",
        ] {
            #expect(DocumentFilter.instant(text, endOfDay: false) == utc, "\(text)")
        }
        #expect(DocumentFilter.instant("2026-11-20T04:30:00.250Z", endOfDay: false) == utc + 0.25)
        #expect(DocumentFilter.instant("2026-11-20T04:29:60Z", endOfDay: false) == utc)
        #expect(DocumentFilter.instant("2026-11-20", endOfDay: true) == Date(timeIntervalSince1970: 1_795_219_200))
    }

    @Test func impossibleDateTimesAreRefused() {
        for text in [
            "2026-11-20T09:30:00+99:99", "2026-11-20T09:30:00+04:60", "2026-11-20T09:30:00+24:00",
            "2026-11-20T24:00:00Z", "2026-11-20T09:60:00Z", "2026-11-20T09:30:61Z", "2026-02-30T09:30:00Z",
            "2026-11-20T09:30:00", "2026-11-20T09:30Z", "2026-11-20T09:30:00.Z", "2026-11-20T09:30:00+0500",
            "2026-11-20 09:30:00Z", "2026-11-20T09:30:00Z ", "２０２６-11-20T09:30:00Z", "",
        ] {
            #expect(DocumentFilter.instant(text, endOfDay: false) == nil, "\(text)")
        }
    }
}
