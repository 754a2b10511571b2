import TanbaErrors

/// An export goes outside the EAEU: goods for a member state leave with an EAEU shipment (reference list of
/// countries, `eaeu`).
struct ExportOutsideEAEU: DocumentRule {
    var codes: [ErrorCode] { [.flcExportToEAEU] }

    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        guard let country = facts.exportDestination, context.reference?.countries.item(country.text)?.eaeu == true
        else { return [] }
        return [
            Diagnostic(
                .flcExportToEAEU, "\(country.text) is an EAEU member: use an EAEU shipment, not an export", at: country)
        ]
    }
}
