import TanbaErrors

/// No date a document states is after the day the hub receives it.
struct DatesNotInFuture: DocumentRule {
    var codes: [ErrorCode] { [.flcDateInFuture] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        facts.dates.filter { $0.text > context.today }.map {
            Diagnostic(.flcDateInFuture, "\($0.name) \($0.text) is after today (\(context.today))", at: $0)
        }
    }
}
