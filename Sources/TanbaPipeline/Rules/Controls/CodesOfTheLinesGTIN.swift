import TanbaErrors

/// Every unit code a line names is a code of the line's GTIN (packages are counted, not matched).
struct CodesOfTheLinesGTIN: DocumentRule {
    var codes: [ErrorCode] { [.flcCodeGTIN] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        facts.lines.flatMap { line in
            line.items.compactMap { item in
                guard let gtin = item.gtin, gtin != line.gtin else { return nil }
                return Diagnostic(
                    .flcCodeGTIN, "\(item.id) is a code of GTIN \(gtin), not \(line.gtin)", at: item.element,
                    subject: item.id)
            }
        }
    }
}
