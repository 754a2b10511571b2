import TanbaErrors
import TanbaIntegrations

/// A buyer in another EAEU member state has a taxpayer number in that state's form: the hub checks the form, the
/// state's system the number itself. Without it the departure message would be refused by that system, after the
/// codes had left circulation here.
struct ForeignTaxIdForm: DocumentRule {
    var codes: [ErrorCode] { [.flcForeignTaxId] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        guard let party = facts.foreignParty, let country = EAEUCountry(rawValue: party.country.text),
            !country.isTaxIdForm(party.taxId.text)
        else { return [] }
        return [
            Diagnostic(
                .flcForeignTaxId,
                "\(party.taxId.text) is not a taxpayer number of \(country.rawValue) in form ("
                    + Self.forms[country, default: ""] + ")", at: party.taxId)
        ]
    }

    static let forms: [EAEUCountry: String] = [
        .russia: "10 or 12 digits", .belarus: "9 letters or digits", .kyrgyzstan: "14 digits", .armenia: "8 digits",
    ]
}
