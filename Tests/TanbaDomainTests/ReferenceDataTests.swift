import Foundation
import TanbaDomain
import TanbaErrors
import TanbaTestSupport
import Testing

@Suite struct ReferenceDataTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("reference")

    static let data: ReferenceData = {
        let files = try! FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        return try! ReferenceData(files: files.map { ($0.lastPathComponent, try! Data(contentsOf: $0)) })
    }()

    @Test func everyListLoadsWithAVersion() {
        for name in ReferenceData.required {
            #expect(Self.data.lists[name]?.version.isEmpty == false, "\(name)")
            #expect(Self.data.lists[name]?.items.isEmpty == false, "\(name)")
        }
        #expect(
            Set(Self.data.countries.items.filter { $0.eaeu == true }.map(\.code)) == ["AM", "BY", "KZ", "KG", "RU"])
    }

    /// The state machine's return rule is the reference list's.
    @Test func withdrawalReasonsMatchTheReferenceList() throws {
        let list = try #require(Self.data.lists["withdrawal-reasons"])
        #expect(Set(list.items.map(\.code)) == Set(WithdrawalReason.allCases.map(\.rawValue)))
        for reason in WithdrawalReason.allCases {
            #expect(list.item(reason.rawValue)?.allowsReturn == reason.allowsReturn, "\(reason)")
        }
    }

    @Test func productCardsAreCheckedAgainstTheLists() throws {
        let card = try ProductCard(
            gtin: "04870001000011", name: "Вода", manufacturer: "ТОО", tnved: "2201101100", productGroup: "water",
            country: "KZ")
        try Self.data.validate(card)
        let wrongGroup = try ProductCard(
            gtin: "04870001000011", name: "Вода", manufacturer: "ТОО", tnved: "6403000000", productGroup: "water",
            country: "ZZ")
        let error = expectCode(.catalogInvalid) { try Self.data.validate(wrongGroup) }
        #expect(error?.diagnostics.map(\.code) == [.catalogInvalid, .referenceUnknown])
        expectCode(.catalogInvalid) {
            _ = try ProductCard(
                gtin: "04870001000011", name: " ", manufacturer: "M", tnved: "2201", productGroup: "water",
                country: "KZ")
        }
        expectCode(.gs1CheckDigit) {
            _ = try ProductCard(
                gtin: "04870001000012", name: "N", manufacturer: "M", tnved: "2201", productGroup: "water",
                country: "KZ")
        }
    }

    @Test func participantsNeedValidIdentifiersAndRoles() throws {
        let p = try Participant(
            id: "050140001238", name: "ТОО", isOrganisation: true, roles: [.producer],
            representatives: [.init(iin: "781112400128")])
        #expect(p.allows(bin: "050140001238", iin: "781112400128") && p.mayOrderCodes)
        let entrepreneur = try Participant(id: "850315300128", name: "ИП", isOrganisation: false, roles: [.retailer])
        #expect(entrepreneur.allows(bin: nil, iin: "850315300128") && !entrepreneur.mayOrderCodes)
        expectCode(.identifierInvalid) {
            _ = try Participant(id: "050140001239", name: "X", isOrganisation: true, roles: [.producer])
        }
        expectCode(.participantInvalid) {
            _ = try Participant(id: "050140001238", name: "X", isOrganisation: true, roles: [])
        }
    }

    /// Who may act for a participant has one meaning, for login and for signing documents: an organisation's
    /// certificate carries its BIN and, when it lists representatives, an IIN among them; an entrepreneur signs
    /// as themself.
    @Test(
        arguments: [
            ("organisation, listed person with its BIN", "050140001238", "781112400128", true, true),
            ("organisation, a person not listed", "050140001238", "920701400128", true, false),
            ("organisation, listed IIN without its BIN", nil, "781112400128", true, false),
            ("organisation, another organisation's BIN", "031240500125", "781112400128", true, false),
            ("organisation listing nobody, any person with its BIN", "050140001238", "920701400128", false, true),
            ("entrepreneur themself", nil, "850315300128", false, true),
            ("entrepreneur, someone else", nil, "781112400128", false, false),
        ] as [(String, String?, String, Bool, Bool)])
    func theRepresentativeRule(case name: String, bin: String?, iin: String, lists: Bool, allowed: Bool) throws {
        let entrepreneur = name.hasPrefix("entrepreneur")
        let participant = try Participant(
            id: entrepreneur ? "850315300128" : "050140001238", name: "P", isOrganisation: !entrepreneur,
            roles: [.retailer], representatives: lists ? [.init(iin: "781112400128")] : [])
        #expect(participant.allows(bin: bin, iin: iin) == allowed, "\(name)")
        if !allowed { expectCode(.authNotRepresentative) { try participant.checkRepresentative(bin: bin, iin: iin) } }
    }
}
