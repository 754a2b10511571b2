public import TanbaDomain
public import TanbaStore

/// Reading a code someone names — typed, pasted or scanned — for a look-up, the same way on every channel.
public enum CodeLookup {
    /// Parses a marking code or an SSCC and checks a marking code against the national format of its product
    /// group (the GTIN's product card in the catalogue; any group's format when the GTIN has no card).
    /// - Throws: the GS1 codes of `CodeReference.parse(_:)` and `GS1_NATIONAL_FORMAT`.
    public static func parse(_ text: String, reference: ReferenceData?, in tx: any StoreReader) throws
        -> CodeReference
    {
        try parse(text, reference: reference) { try tx.product($0) }
    }

    /// `parse`, with product cards from `product` (a cache, for the public check).
    public static func parse(
        _ text: String, reference: ReferenceData?, product: (String) throws -> ProductCard?
    ) throws -> CodeReference {
        guard let reference else { return try CodeReference.parse(text) }
        var failure: (any Error)?
        let parsed = try CodeReference.parse(text, formats: reference.codeFormats) { gtin in
            do {
                return try product(gtin.value).flatMap { reference.codeFormat(ofGroup: $0.productGroup) }
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return parsed
    }
}
