import Foundation
import TanbaErrors
import TanbaStoreTestSupport
import Testing

@testable import TanbaCore
@testable import TanbaHTTP

/// The public check's hand-written JSON is byte for byte what Foundation's encoder writes with sorted keys: for
/// every kind of answer (genuine, sold, forged with its problems, unknown, a package with contents) and for texts
/// that need escaping (quotes, backslashes, slashes, control characters, Cyrillic).
@Suite struct PublicCheckJSONTests {
    static func encoded(_ check: PublicCheck) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(check))
    }

    @Test(arguments: TestBackend.available)
    func theFastPathWritesWhatTheEncoderWrites(_ backend: TestBackend) async throws {
        let world = try await PublicCheckTests.world(backend)
        let hub = world.hub
        let core = hub.api.core
        var texts = [
            PublicCheckTests.scanned(world.introduced[0], hub), world.introduced[1].id,
            PublicCheckTests.scanned(world.notIntroduced[0], hub), "01\(HTTPTests.shoes)21ZZZZZZZZZZZZZ",
        ]
        var forged = Array(texts[0])
        forged[forged.count - 1] = forged.last == "/" ? "+" : "/"
        texts.append(String(forged))
        for text in texts {
            let check = try core.checker.check(text)
            #expect(check.jsonBytes == (try Self.encoded(check)), "\(text)")
        }
        var odd = PublicCheck(code: "01\"\\/\u{1}\u{1F}\n\t")
        odd.name = "Етік «Алатау» \u{7F} \u{8}\u{C}\r"
        odd.contents = [
            .init(gtin: nil, name: "a/b", level: "unit", count: 3),
            .init(gtin: "1", name: nil, level: "group", count: 0),
        ]
        odd.expired = false
        odd.problems = [Diagnostic(.codeForged, "x\"y")]
        #expect(odd.jsonBytes == (try Self.encoded(odd)))
    }
}
