import TanbaErrors

/// Codes are ordered only for product groups the hub issues codes for (`CodeIssuing.emitter`: a national code
/// format in the reference data; alcohol is marked with stamps, fur with RFID signs).
struct GroupIssuedByTheHub: DocumentRule {
    var codes: [ErrorCode] { [.flcGroupNotIssued] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        guard let reference = context.reference else { return [] }
        var found: [Diagnostic] = []
        for line in facts.lines {
            guard let group = try context.product(line.gtin)?.productGroup else { continue }
            do { _ = try CodeIssuing.format(ofGroup: group, in: reference) } catch let error as TanbaError {
                found += error.diagnostics.map { Diagnostic($0.code, $0.message, at: line.element) }
            }
        }
        return found
    }
}
