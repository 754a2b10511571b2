import Foundation
import TanbaErrors

/// The document's totals are the sums of its lines.
struct TotalsOfTheLines: DocumentRule {
    var codes: [ErrorCode] { [.flcTotals] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        guard let totals = facts.totals else { return [] }
        var sums = (quantity: Decimal(0), vat: Decimal(0), amount: Decimal(0))
        for line in facts.lines {
            sums.quantity += line.quantity ?? 0
            sums.vat += line.price?.vatAmount ?? 0
            sums.amount += line.price?.amount ?? 0
        }
        guard sums.quantity != totals.quantity || sums.vat != totals.vat || sums.amount != totals.amount else {
            return []
        }
        return [
            Diagnostic(
                .flcTotals,
                "totals \(totals.quantity) / \(totals.vat) / \(totals.amount) but the lines sum to \(sums.quantity) / \(sums.vat) / \(sums.amount)",
                at: totals.element)
        ]
    }
}
