import TanbaErrors

/// A document addressed to a counterparty is not addressed to its own sender.
struct NotToSelf: DocumentRule {
    var codes: [ErrorCode] { [.flcSelfShipment] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        guard let counterparty = facts.counterparty, counterparty.id == facts.sender else { return [] }
        return [Diagnostic(.flcSelfShipment, "the seller ships to itself", at: counterparty.element)]
    }
}
