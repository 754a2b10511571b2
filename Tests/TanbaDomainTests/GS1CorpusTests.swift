import Foundation
import TanbaDomain
import TanbaErrors
import Testing

/// The hub's GS1 parser against GS1's own reference implementation: 619 codes (random marking codes in the raw,
/// scanned and bracketed forms, the mutations scanners, printers and people make, and every case the independent
/// test named), each with the verdict the GS1 Barcode Syntax Engine gave, kept as a resource
/// (`Resources/gs1-corpus.json`, made by `scripts/gs1-corpus.py`). Where GS1 accepts, the hub must accept with the
/// same elements (compared in GS1's own bracketed rendering); where GS1 refuses, the hub must refuse.
@Suite struct GS1CorpusTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let form: String
        let input: String
        let gs1: String
        let elements: String?
        let gs1Message: String?
        var testDescription: String { name }
    }

    struct Corpus: Decodable {
        let cases: [Case]
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources/gs1-corpus.json")
        return try! JSONDecoder().decode(Corpus.self, from: Data(contentsOf: url)).cases
    }()

    @Test func theCorpusIsWhole() {
        #expect(Self.cases.count >= 600)
        #expect(Self.cases.contains { $0.gs1 == "valid" } && Self.cases.contains { $0.gs1 == "invalid" })
        #expect(Self.cases.filter { $0.name.hasPrefix("issue:") }.count == 8)
    }

    @Test(arguments: cases)
    func theHubAgreesWithGS1(_ test: Case) {
        // The raw form reached the engine with FNC1 in first position; the hub takes it without a prefix too.
        let result = Result { try MarkingCode.parse(test.input) }
        switch (test.gs1, result) {
        case ("valid", .success(let code)):
            #expect(GS1.bracketed(code.elements) == test.elements, "GS1: \(test.elements ?? "")")
        case ("valid", .failure(let error)):
            Issue.record("GS1 accepts \(test.name), the hub refuses: \(error)")
        case (_, .success(let code)):
            Issue.record("GS1 refuses \(test.name) (\(test.gs1Message ?? "")), the hub accepts \(code)")
        case (_, .failure(let error)):
            #expect((error as? TanbaError)?.code.rawValue.hasPrefix("GS1_") == true, "\(error)")
        }
    }
}
