import ArgumentParser
import Foundation
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaStore

/// Prints a value as pretty JSON (sorted keys, ISO dates).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

struct ParticipantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participants", abstract: "Register participants (BIN/IIN, roles, product groups, signers).",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or update a participant.",
            discussion:
                "Example: tanba participants add --id 050140001238 --name 'ТОО Алатау' --roles producer,wholesaler --groups water,milk --representative 781112400128"
        )

        @Option(name: .long, help: "BIN of an organisation or IIN of an individual entrepreneur.") var id: String
        @Option(name: .long, help: "Name as registered.") var name: String
        @Option(
            name: .long,
            help: "Roles, comma-separated: producer, importer, wholesaler, retailer, stateBody, operator, ofd.")
        var roles: String
        @Option(name: .long, help: "Product group codes (reference/product-groups.json), comma-separated.")
        var groups: String = ""
        @Flag(name: .long, help: "An individual entrepreneur (the id is an IIN) rather than an organisation.")
        var entrepreneur = false
        @Option(name: .long, help: "IIN of a person allowed to sign for the participant (repeatable).")
        var representative: [String] = []
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "participants add", json: output.json) {
                let reference = try storeOptions.referenceData()
                var parsedRoles: Set<ParticipantRole> = []
                for role in roles.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    guard let value = ParticipantRole(rawValue: role) else {
                        throw TanbaError(.participantInvalid, "unknown role '\(role)'")
                    }
                    parsedRoles.insert(value)
                }
                let groupCodes = Set(groups.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                for group in groupCodes where reference.productGroups.item(group) == nil {
                    throw TanbaError(.referenceUnknown, "unknown product group '\(group)'")
                }
                let participant = try Participant(
                    id: id, name: name, isOrganisation: !entrepreneur, roles: parsedRoles, productGroups: groupCodes,
                    representatives: representative.map { Representative(iin: $0) })
                let store = try storeOptions.open(mayCreate: true)
                try OperatorAudit.write(store, action: "participant-save", participant: participant.id) { tx in
                    // A new participant is checked against the registers' copy (when one was imported); a known one
                    // keeps the standing the registers gave it.
                    var saved = participant
                    if let existing = try tx.participant(participant.id) {
                        saved.register = existing.register
                    } else {
                        saved.register = try RegisterCopy.check(participant.id, in: tx, at: Date())
                    }
                    try tx.save(saved)
                }
                if output.json { try printJSON(participant) } else { print("participant \(participant.id) saved") }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List participants.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "participants list", json: output.json) {
                let participants = try storeOptions.open().read { try $0.participants() }
                if output.json { return try printJSON(participants) }
                for p in participants {
                    let roles = p.roles.map(\.rawValue).sorted().joined(separator: ",")
                    let groups = p.productGroups.sorted().joined(separator: ",")
                    print("\(p.id)  \(p.name)  roles: \(roles)  groups: \(groups)")
                }
            }
        }
    }
}

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "The product catalogue (GTIN cards).", subcommands: [Import.self, List.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Import product cards from CSV (header: gtin,name,brand,manufacturer,owner,tnved,productGroup,country) or a JSON array; all or nothing."
        )

        @Argument(help: "CSV or JSON file.") var file: String
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "catalog import", json: output.json) {
                let reference = try storeOptions.referenceData()
                let url = URL(fileURLWithPath: file)
                guard let data = try? Data(contentsOf: url) else {
                    throw TanbaError(.fileUnreadable, "cannot read \(file)")
                }
                let cards = try CatalogFile.cards(
                    from: data, json: url.pathExtension.lowercased() == "json", reference: reference)
                try OperatorAudit.write(
                    try storeOptions.open(mayCreate: true), action: "catalog-import", object: url.lastPathComponent,
                    result: { "imported \(cards.count)" }
                ) { try $0.save(cards) }
                if output.json {
                    try printJSON(["imported": cards.count])
                } else {
                    print("\(cards.count) product cards imported")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List product cards.")
        @Option(name: .long, help: "Only this product group.") var group: String?
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "catalog list", json: output.json) {
                let cards = try storeOptions.open().read { try $0.products() }.filter {
                    group == nil || $0.productGroup == group
                }
                if output.json { return try printJSON(cards) }
                for card in cards {
                    print(
                        "\(card.gtin)  \(card.name)  [\(card.productGroup), TN VED \(card.tnved), \(card.country)]  \(card.manufacturer)"
                    )
                }
            }
        }
    }
}

/// Reads catalogue files. Every bad line is reported (with its line number); nothing is imported then.
enum CatalogFile {
    static let columns = ["gtin", "name", "brand", "manufacturer", "owner", "tnved", "productGroup", "country"]

    struct Entry: Decodable {
        let gtin: String
        let name: String
        let brand: String?
        let manufacturer: String
        let owner: String?
        let tnved: String
        let productGroup: String
        let country: String
    }

    static func cards(from data: Data, json: Bool, reference: ReferenceData) throws -> [ProductCard] {
        let entries: [(line: Int, entry: Entry)]
        if json {
            do {
                entries = try JSONDecoder().decode([Entry].self, from: data).enumerated().map {
                    ($0.offset + 1, $0.element)
                }
            } catch {
                throw TanbaError(
                    .catalogInvalid, "the JSON is not an array of product cards: \(DecodingProblem.describe(error))")
            }
        } else {
            entries = try csv(String(decoding: data, as: UTF8.self))
        }
        var cards: [ProductCard] = []
        var problems: [Diagnostic] = []
        for (line, entry) in entries {
            do {
                let card = try ProductCard(
                    gtin: entry.gtin, name: entry.name, brand: entry.brand, manufacturer: entry.manufacturer,
                    owner: entry.owner, tnved: entry.tnved, productGroup: entry.productGroup, country: entry.country)
                try reference.validate(card)
                cards.append(card)
            } catch let error as TanbaError {
                problems += error.diagnostics.map {
                    var d = $0; d.line = line; return d
                }
            }
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        guard !cards.isEmpty else { throw TanbaError(.catalogInvalid, "the file holds no product card") }
        return cards
    }

    /// A small RFC 4180 reader: commas, double-quoted fields with "" escapes, a header row.
    static func csv(_ text: String) throws -> [(line: Int, entry: Entry)] {
        var rows: [[String]] = []
        var field = ""
        var row: [String] = []
        var quoted = false
        var iterator = text.makeIterator()
        while let char = iterator.next() {
            if quoted {
                if char == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            if next == "," {
                                row.append(field); field = ""
                            } else if next == "\n" || next == "\r\n" {
                                row.append(field); rows.append(row); row = []; field = ""
                            } else {
                                field.append(next)
                            }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(char)
                }
            } else if char == "\"" && field.isEmpty {
                quoted = true
            } else if char == "," {
                row.append(field)
                field = ""
            } else if char == "\n" || char == "\r\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(char)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        rows = rows.filter { !($0.count == 1 && $0[0].isEmpty) }
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw TanbaError(.catalogInvalid, "the CSV file is empty")
        }
        let index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for required in ["gtin", "name", "manufacturer", "tnved", "productGroup", "country"]
        where index[required] == nil {
            throw TanbaError(.catalogInvalid, "the CSV header lacks the column '\(required)'", line: 1)
        }
        return rows.dropFirst().enumerated().map { offset, values in
            func value(_ name: String) -> String? {
                guard let i = index[name], i < values.count else { return nil }
                let v = values[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            return (
                offset + 2,
                Entry(
                    gtin: value("gtin") ?? "", name: value("name") ?? "", brand: value("brand"),
                    manufacturer: value("manufacturer") ?? "", owner: value("owner"), tnved: value("tnved") ?? "",
                    productGroup: value("productGroup") ?? "", country: value("country") ?? "")
            )
        }
    }
}

struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference", abstract: "Reference data (NSI) the hub serves: lists and their versions.",
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The lists with their versions.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "reference list", json: output.json) {
                let data = try storeOptions.referenceData()
                let lists = data.lists.values.sorted { $0.name < $1.name }
                // The view GET /v1/reference answers with: counts as JSON numbers, the version's first day, its source.
                if output.json { return try printJSON(lists.map(ReferenceSummary.init)) }
                for list in lists { print("\(list.name)  version \(list.version)  \(list.items.count) items") }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One list: items with names (kk, ru, en), or its JSON as served.")
        @Argument(help: "The list, e.g. countries, product-groups.") var name: String
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "reference show", json: output.json) {
                let data = try storeOptions.referenceData()
                guard let list = data.lists[name], let document = data.documents[name] else {
                    throw TanbaError(
                        .referenceUnknown,
                        "no reference list '\(name)' (\(data.lists.keys.sorted().joined(separator: ", ")))")
                }
                if output.json { return print(String(decoding: document, as: UTF8.self)) }
                print("\(list.name) \(list.version) (valid from \(list.validFrom))")
                for item in list.items { print("\(item.code)  \(item.nameKk) / \(item.nameRu) / \(item.nameEn)") }
            }
        }
    }
}
