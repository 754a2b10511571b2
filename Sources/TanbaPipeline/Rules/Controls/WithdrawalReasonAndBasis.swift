import TanbaErrors

/// A withdrawal's reason is in the reference list, and a reason that needs a basis document (an act, a
/// declaration, a decision: `requiresBasisDocument` in withdrawal-reasons.json) has one.
struct WithdrawalReasonAndBasis: DocumentRule {
    var codes: [ErrorCode] { [.referenceUnknown, .flcBasisRequired] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        guard let (reason, hasBasis) = facts.withdrawal else { return [] }
        guard let listed = context.reference?.lists["withdrawal-reasons"]?.item(reason.text) else {
            return [Diagnostic(.referenceUnknown, "unknown reason \(reason.text)", at: reason)]
        }
        guard !hasBasis, listed.requiresBasisDocument == true else { return [] }
        return [Diagnostic(.flcBasisRequired, "a withdrawal for \(reason.text) needs a Basis document", at: reason)]
    }
}
