import TanbaErrors

/// A line's expiry date is not before its production date.
struct ExpiryAfterProduction: DocumentRule {
    var codes: [ErrorCode] { [.flcDates] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        facts.lines.compactMap { line in
            guard let expiry = line.expiry, let production = line.production, expiry.text < production.text else {
                return nil
            }
            return Diagnostic(.flcDates, "expiry \(expiry.text) is before production \(production.text)", at: expiry)
        }
    }
}
