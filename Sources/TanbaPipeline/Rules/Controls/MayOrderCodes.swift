import TanbaErrors

/// Only producers and importers order codes.
struct MayOrderCodes: DocumentRule {
    var codes: [ErrorCode] { [.participantNotAllowed] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        guard facts.ordersCodes, let sender = try context.participant(facts.sender), !sender.mayOrderCodes else {
            return []
        }
        return [
            Diagnostic(
                .participantNotAllowed, "\(facts.sender) is neither a producer nor an importer", at: facts.anchor)
        ]
    }
}
