import ArgumentParser
import Foundation
import TanbaCore
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaPipeline
import TanbaStore

struct CodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes", abstract: "Marking codes: order (emit), check, history.",
        subcommands: [
            Order.self, Check.self, History.self, States.self, Change.self, Aggregate.self, Disaggregate.self,
            Labels.self,
        ])

    /// Codes named on the command line or, with `@FILE`, one per line in a file (as `codes order -o` writes).
    static func identities(_ arguments: [String]) throws -> [String] {
        var texts: [String] = []
        for argument in arguments {
            if argument.hasPrefix("@") {
                guard let content = try? String(contentsOfFile: String(argument.dropFirst()), encoding: .utf8) else {
                    throw TanbaError(.fileUnreadable, "cannot read \(argument.dropFirst())")
                }
                texts += content.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
            } else {
                texts.append(argument)
            }
        }
        var problems: [Diagnostic] = []
        var ids: [String] = []
        for text in texts {
            do {
                ids.append(try CodeReference.parse(text).identification)
            } catch let error as TanbaError {
                problems += error.diagnostics.map {
                    var d = $0; d.message = "\(text): \(d.message)"; return d
                }
            }
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        guard !ids.isEmpty else { throw TanbaError(.orderInvalid, "no codes named") }
        return ids
    }

    /// Prints what an operation changed.
    static func report(_ changed: [CodeRecord], _ what: String, json: Bool) throws {
        if json { return try printJSON(OperationReport(operation: what, changed: changed.count)) }
        print("\(what): \(changed.count) code\(changed.count == 1 ? "" : "s") changed")
    }

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "change",
            abstract: "Apply a life-cycle operation to codes (and everything inside packages), as an operator.",
            discussion: """
                Operations: apply, introduce, cancel, withdraw (needs --reason), return, ship (needs --document), \
                accept (needs --document and --buyer), release (needs --document). Participants' documents do this \
                through the pipeline; this command is the operator's tool and the demo's. All or nothing: every \
                refusal is listed and nothing changes.
                """)

        @Argument(help: "The operation: apply, introduce, cancel, withdraw, return, ship, accept, release.")
        var operation: String
        @Option(name: .long, help: "BIN/IIN of the participant acting (the owner).") var participant: String?
        @Option(name: .long, help: "Withdrawal reason (reference/withdrawal-reasons.json).") var reason: String?
        @Option(name: .long, help: "The shipment document (ship, accept, release).") var document: String?
        @Option(name: .long, help: "The buyer taking ownership (accept).") var buyer: String?
        @Argument(help: "Codes in any form, or @FILE with one per line.") var codes: [String]
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "codes change", json: output.json) {
                func need(_ value: String?, _ name: String) throws -> String {
                    guard let value else { throw TanbaError(.configInvalid, "\(operation) needs --\(name)") }
                    return value
                }
                let op: CodeOperation
                switch operation {
                case "apply": op = .apply(by: try need(participant, "participant"))
                case "introduce": op = .introduce(by: try need(participant, "participant"))
                case "cancel": op = .cancel(by: try need(participant, "participant"))
                case "withdraw":
                    let code = try need(reason, "reason")
                    guard let value = WithdrawalReason(rawValue: code) else {
                        throw TanbaError(.referenceUnknown, "unknown withdrawal reason '\(code)'")
                    }
                    op = .withdraw(by: try need(participant, "participant"), reason: value)
                case "return": op = .returnToCirculation(by: try need(participant, "participant"))
                case "ship":
                    op = .lockForShipment(
                        by: try need(participant, "participant"), document: try need(document, "document"))
                case "accept":
                    op = .acceptShipment(document: try need(document, "document"), buyer: try need(buyer, "buyer"))
                case "release": op = .releaseShipment(document: try need(document, "document"))
                default: throw TanbaError(.configInvalid, "unknown operation '\(operation)'")
                }
                let ids = try CodesCommand.identities(codes)
                let changed = try OperatorAudit.write(
                    try storeOptions.open(), action: "codes-\(op.name)", participant: participant ?? buyer,
                    object: document ?? ids.first, result: { "changed \($0.count)" }
                ) { try Ledger.perform(op, on: ids, document: document, at: Date(), in: $0) }
                try CodesCommand.report(changed, op.name, json: output.json)
            }
        }
    }

    struct Aggregate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put codes into a group or transport package (an SSCC package is created on first use).")

        @Option(name: .long, help: "BIN/IIN of the owner packing.") var participant: String
        @Option(name: .long, help: "The package: a group package's code or an SSCC (00… or 18 digits).") var into:
            String
        @Argument(help: "Codes in any form, or @FILE.") var codes: [String]
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "codes aggregate", json: output.json) {
                let package = try CodesCommand.identities([into])[0]
                let ids = try CodesCommand.identities(codes)
                try OperatorAudit.write(
                    try storeOptions.open(), action: "codes-aggregate", participant: participant, object: package
                ) { try Ledger.aggregate(ids, into: package, by: participant, document: nil, at: Date(), in: $0) }
                if output.json { return try printJSON(PackageReport(package: package, added: ids.count)) }
                print("\(ids.count) codes put into \(package)")
            }
        }
    }

    struct Disaggregate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take codes out of a package (all of them when none are named).")

        @Option(name: .long, help: "BIN/IIN of the owner.") var participant: String
        @Argument(help: "The package.") var package: String
        @Option(name: .long, parsing: .upToNextOption, help: "Only these codes.") var codes: [String] = []
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "codes disaggregate", json: output.json) {
                let id = try CodesCommand.identities([package])[0]
                let named = codes.isEmpty ? nil : try CodesCommand.identities(codes)
                try OperatorAudit.write(
                    try storeOptions.open(), action: "codes-disaggregate", participant: participant, object: id
                ) { try Ledger.remove(named, from: id, by: participant, document: nil, at: Date(), in: $0) }
                if output.json {
                    return try printJSON(PackageReport(package: id, removed: codes.isEmpty ? nil : codes.count))
                }
                print("\(id): \(codes.isEmpty ? "emptied" : "\(codes.count) codes taken out")")
            }
        }
    }

    struct States: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The code life cycle: every allowed transition with its preconditions (docs/STATES.md).")

        func run() throws { print(Self.table(), terminator: "") }

        /// The transition table as Markdown, from `CodeStateMachine.rules`.
        static func table() -> String {
            var lines = [
                "| operation | from | to | who | lock | effect |", "|---|---|---|---|---|---|",
            ]
            for rule in CodeStateMachine.rules {
                let lock = rule.lock == .unlocked ? "must not be locked" : "must be locked by the named shipment"
                lines.append(
                    "| `\(rule.operation)` | \(rule.from.map { "`\($0.rawValue)`" }.joined(separator: ", ")) | `\(rule.to.rawValue)` | "
                        + "\(rule.who) | \(lock) | \(rule.effect) |")
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// How issued codes are printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// `(01)…(21)…(91)…(92)…`, for people.
        case bracketed
        /// With GS (0x1D) separators, what a DataMatrix printer encodes.
        case raw
        /// `01…21…`, what documents carry.
        case identification
    }

    struct Order: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Emit new codes for a GTIN of the participant's catalogue, with their verification codes.")

        @Option(name: .long, help: "BIN/IIN of the producer or importer ordering.") var participant: String
        @Option(name: .long, help: "The product's GTIN (in the catalogue).") var gtin: String
        @Option(name: .long, help: "How many codes (1 to 1,000,000).") var count: Int
        @Option(name: .long, help: "Output form: bracketed, raw (GS separators) or identification.")
        var format: Format = .bracketed
        @Option(name: [.short, .long], help: "Write the codes to this file, one per line.") var output: String?
        @OptionGroup var storeOptions: StoreOptions
        @Flag(name: .long, help: "Print a JSON summary.") var json = false

        func run() throws {
            try reportingFailures(command: "codes order", json: json) {
                guard (1...1_000_000).contains(count) else {
                    throw TanbaError(.orderInvalid, "--count must be between 1 and 1,000,000")
                }
                let store = try storeOptions.open()
                let product = try GTIN(gtin).value
                let card = try store.read { tx in
                    guard let who = try tx.participant(participant) else {
                        throw TanbaError(.participantUnknown, "no participant \(participant)")
                    }
                    guard who.mayOrderCodes else {
                        throw TanbaError(.participantNotAllowed, "\(participant) is neither a producer nor an importer")
                    }
                    guard let card = try tx.product(product) else {
                        throw TanbaError(.catalogUnknownGTIN, "GTIN \(product) is not in the catalogue")
                    }
                    guard who.productGroups.contains(card.productGroup) else {
                        throw TanbaError(
                            .participantNotAllowed,
                            "\(participant) is not registered for product group \(card.productGroup)")
                    }
                    return card
                }
                // The codes take their product group's national format: serial and tail lengths, AI 92 or 93.
                let national = try CodeIssuing.format(ofGroup: card.productGroup, in: try storeOptions.referenceData())
                let now = Date()
                let emitter = CodeEmitter(key: try EmissionKeys.current(in: store, at: now), format: national)
                let orderID = "ORDER-\(Int(now.timeIntervalSince1970))-\(UInt32.random(in: 0...UInt32.max))"
                let codes = try OperatorAudit.write(
                    store, action: "codes-order", participant: participant, object: orderID,
                    result: { (codes: [CodeRecord]) in "issued \(codes.count)" }
                ) {
                    try CodeIssuing.issue(
                        emitter, gtin: product, count: count, owner: participant, at: now, origin: orderID, in: $0)
                }
                let lines = codes.map { Self.render($0, format, national: national) }
                if let output {
                    try (lines.joined(separator: "\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8)
                } else if !json {
                    lines.forEach { print($0) }
                }
                if json {
                    try printJSON(OrderReport(order: orderID, gtin: product, count: codes.count, keyID: emitter.key.id))
                } else if output != nil {
                    print("\(orderID): \(codes.count) codes for \(product) written to \(output!)")
                }
            }
        }

        /// A code as printed: through the GS1 printers, so that every form parses back (a `(` in a value is
        /// escaped in the bracketed form) here and in GS1's tools.
        static func render(_ code: CodeRecord, _ form: Format, national: NationalCodeFormat) -> String {
            let elements = national.elements(of: code)
            switch form {
            case .identification: return code.id
            case .raw: return GS1.raw(elements)
            case .bracketed: return GS1.bracketed(elements)
            }
        }
    }

    /// What `codes check` answers.
    struct CheckResult: Encodable {
        var code: String
        var genuine: Bool
        var verification: String
        var status: String?
        var withdrawalReason: String?
        var owner: String?
        var ownerName: String?
        var lockedBy: String?
        var package: String?
        /// A package's direct contents.
        var contents: [String]?
        var issuedAt: Date?
        var product: ProductCard?
        var errors: [Diagnostic]
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a code in any form (raw, ]d2…, bracketed, 01…21…): status, owner, product, authenticity.")

        @Argument(help: "The code as scanned or typed.") var code: String
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "codes check", json: output.json) {
                // A malformed code is the input's fault whatever the store: said before the store is opened.
                _ = try CodeReference.parse(code)
                let store = try storeOptions.open()
                let reference = try storeOptions.referenceData()
                let parsed = try store.read { try CodeLookup.parse(code, reference: reference, in: $0) }
                let keys = try EmissionKeys.all(in: store)
                var result = CheckResult(code: parsed.identification, genuine: false, verification: "", errors: [])
                let (record, contents) = try store.read { tx in
                    (try tx.code(parsed.identification), try tx.children(of: [parsed.identification]).map(\.id))
                }
                if let record {
                    result.status = record.status.rawValue
                    result.withdrawalReason = record.withdrawalReason?.rawValue
                    result.owner = record.owner
                    result.lockedBy = record.lockedBy
                    result.package = record.parent
                    result.issuedAt = record.issuedAt
                    result.contents = contents
                    try store.read { tx in
                        result.ownerName = try tx.participant(record.owner)?.name
                        result.product = try record.gtin.flatMap { try tx.product($0) }
                    }
                } else {
                    result.errors.append(
                        Diagnostic(.codeNotFound, "\(parsed.identification) was never issued by the hub"))
                }
                if let marking = parsed.markingCode {
                    // The tail checked is the scanned one when present (a copied label with a made-up tail fails),
                    // else the one on record. Codes with the short AI 93 tail carry no key id: the record names it.
                    let keyID = marking.keyID ?? record?.keyID
                    let tail = marking.verificationCode ?? marking.crypto93 ?? record?.verificationCode
                    do {
                        // The tail's length is the one issued: on record, else the scanned format's.
                        try CodeAuthenticator(keys: keys).verify(
                            gtin: marking.gtin.value, serial: marking.serial, keyID: keyID, verificationCode: tail,
                            length: record?.verificationCode?.count ?? tail?.count ?? 0)
                        result.verification = "verification code valid (key \(keyID ?? "?"))"
                    } catch let error as TanbaError {
                        result.verification = error.message
                        result.errors += error.diagnostics
                    }
                } else {
                    // A transport package's SSCC has no verification tail: it is genuine when the hub knows it.
                    result.verification = "a transport package (SSCC): no verification tail; known to the hub"
                }
                result.genuine = result.errors.isEmpty
                if output.json {
                    try printJSON(result)
                } else {
                    print("\(result.code): \(result.genuine ? "genuine" : "NOT GENUINE")")
                    print("  verification: \(result.verification)")
                    if let status = result.status {
                        print("  status: \(status)\(result.withdrawalReason.map { " (\($0))" } ?? "")")
                    }
                    if let owner = result.owner { print("  owner: \(owner)\(result.ownerName.map { " \($0)" } ?? "")") }
                    if let package = result.package { print("  inside package: \(package)") }
                    if let contents = result.contents, !contents.isEmpty {
                        print("  contains \(contents.count): \(contents.prefix(20).joined(separator: ", "))")
                    }
                    if let locked = result.lockedBy { print("  in transit under: \(locked)") }
                    if let product = result.product {
                        print(
                            "  product: \(product.name) — \(product.brand ?? "") \(product.manufacturer), \(product.country)"
                        )
                    }
                    for error in result.errors { FileHandle.standardError.write(Data("  \(error)\n".utf8)) }
                }
                if !result.genuine { throw ExitCode(1) }
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who owned a code when, and through which document.")
        @Argument(help: "The code in any form.") var code: String
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "codes history", json: output.json) {
                _ = try CodeReference.parse(code)
                let store = try storeOptions.open()
                let reference = try storeOptions.referenceData()
                let id = try store.read { try CodeLookup.parse(code, reference: reference, in: $0).identification }
                let events = try store.read { try $0.events(of: id) }
                guard !events.isEmpty else { throw TanbaError(.codeNotFound, "\(id) was never issued by the hub") }
                if output.json { return try printJSON(events) }
                let formatter = ISO8601DateFormatter()
                for event in events {
                    print(
                        "\(formatter.string(from: event.at))  \(event.operation)  \(event.status.rawValue)  owner \(event.owner)  \(event.document ?? "")"
                    )
                }
            }
        }
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Emission keys: list their ids (AI 91) and dates; rotate.",
        subcommands: [List.self, Rotate.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Emission keys by id (AI 91), newest first. The secrets stay in the store: the hub checks tails.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "keys list", json: output.json) {
                let keys = try EmissionKeys.all(in: try storeOptions.open())
                let listed = keys.map {
                    [
                        "id": $0.id, "createdAt": ISO8601DateFormatter().string(from: $0.createdAt),
                        "algorithm": "HMAC-SHA-512",
                    ]
                }
                if output.json { return try printJSON(listed) }
                for key in listed { print("key \(key["id"]!) (since \(key["createdAt"]!), \(key["algorithm"]!))") }
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new emission key; new codes use it, old codes keep verifying.")
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            try reportingFailures(command: "keys rotate", json: false) {
                let store = try storeOptions.open(mayCreate: true)
                let taken = Set(try store.read { try $0.emissionKeys().map(\.id) })
                let key = EmissionKey.generate(avoiding: taken)
                try OperatorAudit.write(store, action: "keys-rotate", object: key.id) {
                    try $0.save(
                        StoredEmissionKey(id: key.id, secret: key.exported, createdAt: key.createdAt))
                }
                print("new emission key \(key.id)")
            }
        }
    }
}

/// What `codes change --json` prints: the operation and how many codes changed (a number, not text).
struct OperationReport: Encodable {
    let operation: String
    let changed: Int
}

/// What `codes aggregate` and `codes disaggregate` print with `--json`.
struct PackageReport: Encodable {
    let package: String
    var added: Int? = nil
    var removed: Int? = nil
}

/// What `codes order --json` prints.
struct OrderReport: Encodable {
    let order: String
    let gtin: String
    let count: Int
    let keyID: String
}
