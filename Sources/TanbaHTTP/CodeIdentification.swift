import TanbaDomain
import TanbaErrors

/// The store's identity of a code given in any form a scanner or an ERP sends: `01` GTIN `21` serial for a
/// marking code (tails such as AI 91/92 dropped), `00` + SSCC for a transport package (`00…`, `(00)…`, or 18 bare
/// digits, as `tanba codes` and the ledger name packages).
///
/// Kept alone in its file so the domain's own parser of "a code or a package" can replace it in one place.
/// - Throws: the marking code's `GS1_…` error when the text is neither a marking code nor an SSCC.
func codeIdentification(_ text: String) throws -> String {
    do {
        return try MarkingCode.parse(text).identification
    } catch let error as TanbaError {
        guard let sscc = try? GS1.parseSSCC(text) else { throw error }
        return "00" + sscc.value
    }
}
