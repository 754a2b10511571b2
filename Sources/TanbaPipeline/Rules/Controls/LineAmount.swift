import Foundation
import TanbaErrors

/// A priced line's amount is its quantity times its unit price.
struct LineAmount: DocumentRule {
    var codes: [ErrorCode] { [.flcLineAmount] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        facts.lines.compactMap { line in
            guard let price = line.price, let quantity = line.quantity, quantity * price.unitPrice != price.amount
            else { return nil }
            return Diagnostic(
                .flcLineAmount,
                "line \(line.label): \(quantity) × \(price.unitPrice) = \(quantity * price.unitPrice), not \(price.amount)",
                at: line.element)
        }
    }
}
