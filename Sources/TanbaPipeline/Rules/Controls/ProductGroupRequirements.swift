import TanbaErrors

/// What a product group's documents must carry from a date on (an expiry date, a conformity certificate): the
/// reference list of product groups says which group needs what from when (`requires`), for documents dated
/// that day or later.
struct ProductGroupRequirements: DocumentRule {
    var codes: [ErrorCode] { [.flcExpiryRequired, .flcCertificateRequired] }

    /// Whether the line carries what a requirement asks for, and its name in messages (nil: not a line's rule).
    private static func asked(_ rule: ErrorCode, of line: ProductLine) -> (present: Bool, what: String)? {
        switch rule {
        case .flcExpiryRequired: (line.expiry != nil, "an ExpiryDate")
        case .flcCertificateRequired: (line.certificate != nil, "a ConformityCertificate")
        default: nil
        }
    }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        guard let reference = context.reference else { return [] }
        var found: [Diagnostic] = []
        for line in facts.lines {
            guard let group = try context.product(line.gtin)?.productGroup else { continue }
            for rule in reference.requirements(ofGroup: group, on: context.documentDate) {
                guard let (present, what) = Self.asked(rule, of: line), !present else { continue }
                found.append(
                    Diagnostic(
                        rule,
                        "\(group) goods (GTIN \(line.gtin)) dated \(context.documentDate) need \(what) "
                            + "(reference/product-groups.json)",
                        at: line.element))
            }
        }
        return found
    }
}
