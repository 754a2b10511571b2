import TanbaErrors

/// A country the document names (of origin, of destination) is in the reference list of countries.
struct CountryKnown: DocumentRule {
    var codes: [ErrorCode] { [.referenceUnknown] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        [facts.country, facts.exportDestination].compactMap { $0 }.compactMap { country in
            guard context.reference?.countries.item(country.text) == nil else { return nil }
            return Diagnostic(.referenceUnknown, "unknown country \(country.text)", at: country)
        }
    }
}
