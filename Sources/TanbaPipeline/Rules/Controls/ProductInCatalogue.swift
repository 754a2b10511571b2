import TanbaErrors

/// Each line's GTIN is in the catalogue, in a product group the sender is registered for.
struct ProductInCatalogue: DocumentRule {
    var codes: [ErrorCode] { [.catalogUnknownGTIN, .participantNotAllowed] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        let sender = try context.participant(facts.sender)
        var found: [Diagnostic] = []
        for line in facts.lines {
            guard let card = try context.product(line.gtin) else {
                found.append(
                    Diagnostic(.catalogUnknownGTIN, "GTIN \(line.gtin) is not in the catalogue", at: line.element))
                continue
            }
            if let sender, !sender.productGroups.contains(card.productGroup) {
                found.append(
                    Diagnostic(
                        .participantNotAllowed,
                        "\(facts.sender) is not registered for product group \(card.productGroup)",
                        at: line.element))
            }
        }
        return found
    }
}
