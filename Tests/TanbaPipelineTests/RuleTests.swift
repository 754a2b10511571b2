import Foundation
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaTestSupport
import Testing

@testable import TanbaPipeline

/// Format-logical rules are values: one per file, composed per document type, reading what reference data can
/// decide from the reference data.
@Suite struct RuleTests {
    /// The reference data with `requires` of product group `group` replaced.
    static func reference(requiring requirements: [[String: String]], of group: String) throws -> ReferenceData {
        let folder = World.repository.appendingPathComponent("reference")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        return try ReferenceData(
            files: try files.map { file in
                var data = try Data(contentsOf: file)
                if file.lastPathComponent == "product-groups.json" {
                    var list = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                    var items = try #require(list["items"] as? [[String: Any]])
                    for index in items.indices where items[index]["code"] as? String == group {
                        items[index]["requires"] = requirements
                    }
                    list["items"] = items
                    data = try JSONSerialization.data(withJSONObject: list)
                }
                return (file.lastPathComponent, data)
            })
    }

    @Test func aProductGroupsRequirementIsReferenceDataADateChangeNeedsNoCodeChange() throws {
        let (world, lp, _) = try RuleSetTests.world()
        _ = try Ledger(store: world.store).perform(.apply(by: World.seller), on: lp, document: "APP", at: Date())
        let november = ISO8601DateFormatter().date(from: "2026-11-25T09:00:00Z")!
        let document = try World.signed(
            RuleSetTests.introduction("IP-LP-1", date: "2026-11-20", gtin: RuleSetTests.lp, codes: [lp[0]]))
        // The list as published: light industry needs nothing before 2026-12-01 …
        let dryRun = try world.pipeline.submit(document, dryRun: true, now: november)
        #expect(dryRun.accepted, "\(dryRun)")
        // … and a list that moves its expiry requirement earlier refuses the same document, pointing at the line.
        let earlier = try Self.reference(
            requiring: [["rule": "FLC_EXPIRY_REQUIRED", "from": "2026-01-01"]], of: "lp")
        let pipeline = DocumentPipeline(
            store: world.store, schemas: World.schemas, verifier: World.verifier, reference: earlier, hub: World.hub)
        let before = try world.store.contentFingerprint()
        let refused = try pipeline.submit(document, now: november)
        #expect(refused.diagnostics.map(\.code) == [.flcExpiryRequired], "\(refused)")
        #expect(refused.diagnostics.first?.path?.hasSuffix("/Lines/Line") == true)
        #expect(try world.store.contentFingerprint() == before)
    }

    @Test func everyRuleIsOneFileAndEveryCodeItReportsHasItsMessageInThreeLanguages() throws {
        let folder = World.repository.appendingPathComponent("Sources/TanbaPipeline/Rules/Controls")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        var used: Set<String> = []
        for (type, rules) in RuleComposition.byDocumentType {
            // Every document's dates are checked, first.
            #expect(rules.first?.name == "DatesNotInFuture", "\(type)")
            for rule in rules {
                used.insert(rule.name + ".swift")
                #expect(files.contains(rule.name + ".swift"), "\(rule.name) is not in a file of its own")
                for code in rule.codes {
                    let catalogued = try #require(RuleCatalogue.rule(code), "\(code) has no catalogue entry")
                    #expect(![catalogued.kk, catalogued.ru, catalogued.en].contains(""), "\(code)")
                }
            }
        }
        // And no rule file lies unused.
        #expect(files == used, "unused: \(files.subtracting(used))")
    }

    @Test func theCodesStatesRefusalsNameTheirSubjectSoTheyArePointedAtWithoutReadingMessages() throws {
        let world = try World(codes: 2)
        let ledger = Ledger(store: world.store)
        _ = try ledger.perform(
            .withdraw(by: World.seller, reason: .damage), on: [world.codes[0]], document: "W", at: Date())
        let unknown = "0104870001000011219999"
        let error = expectCode(.codeNotFound) {
            _ = try ledger.perform(
                .lockForShipment(by: World.buyer, document: "S"), on: [unknown, world.codes[0], world.codes[1]],
                document: "S", at: Date())
        }
        #expect(error?.diagnostics.map(\.subject) == [unknown, world.codes[0], world.codes[1]])
        #expect(error?.diagnostics.map(\.code) == [.codeNotFound, .codeStatus, .codeNotOwner])
    }

    @Test func codesAreOrderedOnlyForGroupsTheHubIssuesCodesFor() throws {
        let world = try World(codes: 1)
        let vodka = "04870001000028"
        try world.store.write { tx in
            var seller = try #require(try tx.participant(World.seller))
            seller.productGroups.insert("alcohol")
            try tx.save(seller)
            try tx.save([
                try ProductCard(
                    gtin: vodka, name: "Арақ", manufacturer: "ТОО", tnved: "2208601100", productGroup: "alcohol",
                    country: "KZ")
            ])
        }
        let before = try world.store.contentFingerprint()
        let decision = try world.pipeline.submit(
            try World.signed(
                """
                <CodeOrder xmlns="urn:kz:tanba:code-order:1" version="1.0">
                \(StoryTests.header("CO-A", sender: StoryTests.seller.0, name: StoryTests.seller.1))
                  <Lines><Line><GTIN>\(World.water)</GTIN><Quantity>1</Quantity></Line>
                    <Line><GTIN>\(vodka)</GTIN><Quantity>1</Quantity></Line></Lines>
                </CodeOrder>
                """))
        // Alcohol carries excise stamps: its line is refused where it stands, and the water line issues nothing.
        #expect(decision.diagnostics.map(\.code) == [.flcGroupNotIssued], "\(decision)")
        #expect(decision.diagnostics.first?.path?.hasSuffix("/Lines/Line[2]") == true, "\(decision.diagnostics)")
        #expect(try world.store.contentFingerprint() == before)
    }
}
