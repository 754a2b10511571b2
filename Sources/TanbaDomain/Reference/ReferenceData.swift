public import Foundation
public import TanbaErrors

/// One entry of a reference list (normative-reference information): a stable code, names in Kazakh, Russian
/// and English, and the fields some lists add.
public struct ReferenceItem: Sendable, Hashable, Codable {
    public let code: String
    public let nameKk: String
    public let nameRu: String
    public let nameEn: String
    /// Product groups: the TN VED headings that belong to the group.
    public let tnvedPrefixes: [String]?
    /// Product groups: the national format of the group's marking codes, each element after (01) with its exact
    /// length (see `NationalCodeFormat`); absent for groups not marked with codes issued by the hub.
    public let codeElements: [NationalCodeFormat.Element]?
    /// Countries: EAEU membership and other codes.
    public let eaeu: Bool?
    public let alpha3: String?
    /// Withdrawal reasons: whether goods may return into circulation.
    public let allowsReturn: Bool?
    /// Withdrawal reasons: whether the withdrawal needs a basis document (an act, a declaration, a decision).
    public let requiresBasisDocument: Bool?
    /// VAT rates.
    public let ratePercent: Double?
    /// Product groups: what the group's documents must carry, each from a date (a format-logical rule's code).
    public let requires: [GroupRequirement]?
}

/// A product group's own requirement: documents dated `from` or later that introduce the group's goods fail
/// `rule` (an error code, e.g. `FLC_EXPIRY_REQUIRED`) when they lack what it asks for. The regulation tightens
/// group by group; the reference list says when, so a new date is a data change, not a code change.
public struct GroupRequirement: Sendable, Hashable, Codable {
    public let rule: String
    public let from: String

    public init(rule: String, from: String) {
        self.rule = rule
        self.from = from
    }
}

/// One versioned reference file (`reference/*.json`), as loaded.
public struct ReferenceList: Sendable, Hashable, Codable {
    public let name: String
    public let version: String
    public let validFrom: String
    public let source: String?
    public let items: [ReferenceItem]

    /// The item with `code`, if any.
    public func item(_ code: String) -> ReferenceItem? { items.first { $0.code == code } }
}

/// All reference lists the hub serves, one copy for everyone. Decoding only: reading the files is the
/// caller's job.
public struct ReferenceData: Sendable {
    public let lists: [String: ReferenceList]
    /// The raw JSON of each list, served to clients byte for byte.
    public let documents: [String: Data]
    /// The national format of each product group's marking codes, by group code (from `codeElements`).
    public let codeFormats: [String: NationalCodeFormat]

    /// The lists the domain relies on.
    public static let required = [
        "product-groups", "countries", "units", "vat-rates", "withdrawal-reasons", "document-types",
    ]

    /// Decodes reference files given as (name, JSON).
    /// - Throws: `CONFIG_INVALID` naming the file that does not decode or a required list that is missing.
    public init(files: [(name: String, json: Data)]) throws {
        var lists: [String: ReferenceList] = [:]
        var documents: [String: Data] = [:]
        for (name, json) in files {
            do {
                let list = try JSONDecoder().decode(ReferenceList.self, from: json)
                lists[list.name] = list
                documents[list.name] = json
            } catch {
                // The decoder's own description is a dump of coding paths: say where, in the file's terms.
                throw TanbaError(
                    .configInvalid, "reference file \(name) is not a reference list: \(DecodingProblem.describe(error))"
                )
            }
        }
        for name in Self.required where lists[name] == nil {
            throw TanbaError(.configInvalid, "reference list \(name) is missing")
        }
        self.lists = lists
        self.documents = documents
        codeFormats = NationalCodeFormat.formats(productGroups: lists["product-groups"]?.items ?? [])
    }

    /// The national format of `group`'s codes, if the group has one.
    public func codeFormat(ofGroup group: String) -> NationalCodeFormat? { codeFormats[group] }

    public var productGroups: ReferenceList { lists["product-groups"]! }
    public var countries: ReferenceList { lists["countries"]! }

    /// The rules (error codes) a product group's documents dated `date` (ISO `YYYY-MM-DD`) must pass.
    public func requirements(ofGroup group: String, on date: String) -> [ErrorCode] {
        (productGroups.item(group)?.requires ?? []).filter { $0.from <= date }.map { ErrorCode($0.rule) }
    }

    /// Checks a product card against the lists: known product group, known country, TN VED code within the group.
    /// - Throws: `REFERENCE_UNKNOWN` or `CATALOG_INVALID` for each problem.
    public func validate(_ card: ProductCard) throws {
        var problems: [Diagnostic] = []
        if let group = productGroups.item(card.productGroup) {
            if let prefixes = group.tnvedPrefixes, !prefixes.isEmpty, !prefixes.contains(where: card.tnved.hasPrefix) {
                problems.append(
                    Diagnostic(
                        .catalogInvalid,
                        "\(card.gtin): TN VED \(card.tnved) is not in product group \(card.productGroup) "
                            + "(\(prefixes.joined(separator: ", ")))"))
            }
        } else {
            problems.append(Diagnostic(.referenceUnknown, "\(card.gtin): unknown product group '\(card.productGroup)'"))
        }
        if countries.item(card.country) == nil {
            problems.append(Diagnostic(.referenceUnknown, "\(card.gtin): unknown country '\(card.country)'"))
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
    }
}

/// A product card of the catalogue (GTIN card): what a marking code's GTIN stands for.
public struct ProductCard: Sendable, Hashable, Codable {
    public let gtin: String
    public var name: String
    public var brand: String?
    public var manufacturer: String
    /// The BIN of the producer or importer that registered the card, if known.
    public var owner: String?
    /// EAEU TN VED code (4 to 10 digits).
    public var tnved: String
    public var productGroup: String
    /// ISO 3166-1 alpha-2 country of origin.
    public var country: String

    /// Validates the GTIN (14 digits after normalisation, check digit) and field formats.
    /// - Throws: `CATALOG_INVALID` or a `GS1_…` code.
    public init(
        gtin: String, name: String, brand: String? = nil, manufacturer: String, owner: String? = nil, tnved: String,
        productGroup: String, country: String
    ) throws {
        self.gtin = try GTIN(gtin).value
        guard name.contains(where: { !$0.isWhitespace }), manufacturer.contains(where: { !$0.isWhitespace }) else {
            throw TanbaError(.catalogInvalid, "\(gtin): name and manufacturer are required")
        }
        guard (4...10).contains(tnved.count), tnved.allSatisfy(\.isASCIIDigit) else {
            throw TanbaError(.catalogInvalid, "\(gtin): TN VED code '\(tnved)' must be 4 to 10 digits")
        }
        guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw TanbaError(.catalogInvalid, "\(gtin): country '\(country)' must be an ISO 3166-1 alpha-2 code")
        }
        if let owner { _ = try KazakhIdentifier(owner) }
        self.name = name
        self.brand = brand
        self.manufacturer = manufacturer
        self.owner = owner
        self.tnved = tnved
        self.productGroup = productGroup
        self.country = country
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
