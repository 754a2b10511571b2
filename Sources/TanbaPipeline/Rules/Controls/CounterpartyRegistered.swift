import TanbaErrors

/// The counterparty a document is addressed to is a registered participant.
struct CounterpartyRegistered: DocumentRule {
    var codes: [ErrorCode] { [.flcCounterpartyUnknown] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        guard let counterparty = facts.counterparty, try context.participant(counterparty.id) == nil else { return [] }
        return [
            Diagnostic(
                .flcCounterpartyUnknown, "the buyer \(counterparty.id) is not a registered participant",
                at: counterparty.element)
        ]
    }
}
