import Foundation
import TanbaErrors

/// A priced line's VAT is what its rate gives on its amount (VAT included), to the tiyn.
struct LineVAT: DocumentRule {
    var codes: [ErrorCode] { [.flcVAT] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        facts.lines.compactMap { line in
            guard let price = line.price else { return nil }
            let expected = Money.vatIncluded(price.amount, rate: price.vatRate)
            guard abs(NSDecimalNumber(decimal: expected - price.vatAmount).doubleValue) > 0.01 else { return nil }
            return Diagnostic(
                .flcVAT,
                "line \(line.label): VAT at \(price.vatRate) on \(price.amount) is \(expected), not \(price.vatAmount)",
                at: line.element)
        }
    }
}
