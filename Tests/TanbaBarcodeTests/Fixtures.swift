import Foundation
import TanbaBarcode
import TanbaDomain
import TanbaEmission

/// Real marking codes: a few of every product group the hub issues codes for, in the group's national format, as
/// `tanba codes order --format raw` prints them.
enum Fixtures {
    static let reference: ReferenceData = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("reference")
        let files = try! FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        return try! ReferenceData(files: files.map { ($0.lastPathComponent, try! Data(contentsOf: $0)) })
    }()

    /// A GTIN with a valid check digit.
    static func gtin(_ index: Int) -> String {
        let body = "0460" + String(format: "%09d", 439_930_02 + index)
        return body + String(GS1CheckDigit.compute(body))
    }

    struct Sample: Sendable, CustomStringConvertible {
        let group: String
        let raw: String
        let bracketed: String
        var description: String { "\(group) \(bracketed)" }
    }

    /// `perGroup` codes of every product group that has a national code format.
    static func samples(perGroup: Int) -> [Sample] {
        let key = EmissionKey.generate(at: Date(timeIntervalSince1970: 1_800_000_000))
        var samples: [Sample] = []
        for (index, item) in reference.productGroups.items.enumerated() {
            guard let national = reference.codeFormat(ofGroup: item.code) else { continue }
            let emitter = CodeEmitter(key: key, format: national)
            let records = try! emitter.issue(gtin: gtin(index), count: perGroup, owner: "960640000011", at: Date())
            for record in records {
                let elements = national.elements(of: record)
                samples.append(Sample(group: item.code, raw: GS1.raw(elements), bracketed: GS1.bracketed(elements)))
            }
        }
        return samples
    }

    /// The groups with a code format (every one must appear in the round trip).
    static var groupsWithCodes: Set<String> {
        Set(reference.productGroups.items.map(\.code).filter { reference.codeFormat(ofGroup: $0) != nil })
    }

    static let one = samples(perGroup: 1)
    static let tobacco = one.first { $0.group == "tobacco" }!
    static let longest = one.max { $0.raw.count < $1.raw.count }!
}
