import Foundation
import TanbaErrors

/// A line's quantity is the number of marked units it names: unit codes count one each, packages count the
/// units of the line's GTIN inside them (as the snapshot has them).
struct QuantityOfMarkedUnits: DocumentRule {
    var codes: [ErrorCode] { [.flcQuantityCodes] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        var found: [Diagnostic] = []
        for line in facts.lines {
            guard let quantity = line.quantity else { continue }
            let counted = Decimal(try Units.count(line.items, gtin: line.gtin, in: context.reader))
            if counted != quantity {
                found.append(
                    Diagnostic(
                        .flcQuantityCodes, "line \(line.label): quantity \(quantity) but \(counted) marked units",
                        at: line.element))
            }
        }
        return found
    }
}
