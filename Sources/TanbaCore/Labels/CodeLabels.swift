import Foundation
public import TanbaBarcode
public import TanbaDomain
import TanbaEmission
import TanbaErrors
public import TanbaStore

/// Labels for marking codes: each code's GS1 DataMatrix (FNC1 first, GS between variable-length elements, the
/// verification tail as issued) beside its human-readable text (the bracketed form and the product's name). The
/// one way every channel prints labels: the web workspace's sheets and the command line's files.
public enum CodeLabels {
    /// The most labels one web page carries (ten A4 sheets): an order of a million codes is printed a batch at a
    /// time.
    public static let pageSize = 210

    /// The label of each code: the element string a scanner reads back, in its product group's national format
    /// (the short AI 93 tail where the group has it).
    /// - Throws: `LABEL_CONTENT_INVALID` for a code no DataMatrix can carry (never one the hub issued).
    public static func contents(_ codes: [CodeRecord], reference: ReferenceData, products: [String: ProductCard])
        throws -> [LabelContent]
    {
        try codes.map { code in
            let group = code.gtin.flatMap { products[$0]?.productGroup }
            let format = group.flatMap { reference.codeFormat(ofGroup: $0) } ?? shape(of: code)
            let elements = format.elements(of: code)
            var lines = [GS1.bracketed(elements)]
            if let name = code.gtin.flatMap({ products[$0]?.name }) { lines.append(name) }
            return try LabelContent(gs1: GS1.raw(elements), lines: lines)
        }
    }

    /// The format a code's own tail shows, for a code whose product card is gone: the short AI 93 tail alone, or
    /// AI 91 and 92.
    static func shape(of code: CodeRecord) -> NationalCodeFormat {
        let tail = code.verificationCode?.count ?? 0
        let elements: [NationalCodeFormat.Element] =
            tail == CodeAuthenticator.minimumTailLength
            ? [.init(ai: "93", length: tail)]
            : [.init(ai: "91", length: code.keyID?.count ?? 4), .init(ai: "92", length: tail)]
        return NationalCodeFormat(group: "-", elements: elements)
    }

    /// Printable A4 sheets (21 labels each) as one HTML page.
    public static func sheets(_ contents: [LabelContent], title: String, language: String) -> String {
        LabelSheet.html(pages: LabelSheet.a4(contents), title: title, language: language)
    }
}

extension CodeLabels {
    /// One page of the codes order `order` issued, after `after` (their identities in order), for `caller`: the
    /// participant that placed the order (the codes' emitter). `caller` nil is the operator (the command line).
    /// - Throws: `NOT_FOUND` for an order that issued no codes to the caller (someone else's order gets the same
    ///   answer as one that does not exist).
    public static func order(
        _ order: String, after: String? = nil, limit: Int = CodeLabels.pageSize, as caller: Caller?,
        store: any HubStore, reference: ReferenceData
    ) throws -> (labels: [LabelContent], next: String?) {
        let (codes, products) = try store.read { tx -> ([CodeRecord], [String: ProductCard]) in
            let codes = try tx.issuedCodes(order: order, after: after, limit: limit + 1)
            var products: [String: ProductCard] = [:]
            for gtin in Set(codes.compactMap(\.gtin)) { products[gtin] = try tx.product(gtin) }
            return (codes, products)
        }
        guard let first = codes.first, caller.map({ $0.participant == first.emitter }) ?? true else {
            throw TanbaError(.notFound, "no codes were issued to you by order \(order)")
        }
        let page = Array(codes.prefix(limit))
        return (
            try contents(page, reference: reference, products: products),
            codes.count > limit ? page.last?.id : nil
        )
    }

    /// The label of one code, for the participant it was issued to or that owns it now (`caller` nil: the operator).
    /// - Throws: `NOT_FOUND` for a code that is not the caller's, or does not exist.
    public static func code(_ id: String, as caller: Caller?, store: any HubStore, reference: ReferenceData) throws
        -> LabelContent
    {
        let found = try store.read { tx -> (CodeRecord, ProductCard?)? in
            guard let code = try tx.code(id) else { return nil }
            return (code, try code.gtin.flatMap { try tx.product($0) })
        }
        guard let (code, product) = found, code.level != .transport,
            caller.map({ $0.participant == code.emitter || $0.participant == code.owner }) ?? true
        else { throw TanbaError(.notFound, "no code \(id) of yours") }
        let products = product.map { [$0.gtin: $0] } ?? [:]
        return try contents([code], reference: reference, products: products)[0]
    }
}

extension HubCore {
    /// One page of the labels of order `order`'s codes, for the participant that placed it (`CodeLabels.order`).
    public func orderLabels(_ order: String, after: String? = nil, as caller: Caller) throws
        -> (labels: [LabelContent], next: String?)
    {
        try CodeLabels.order(order, after: after, as: caller, store: store, reference: reference)
    }

    /// One code's label, for its emitter or owner (`CodeLabels.code`).
    public func codeLabel(_ id: String, as caller: Caller) throws -> LabelContent {
        try CodeLabels.code(id, as: caller, store: store, reference: reference)
    }
}
