import ArgumentParser
import Foundation
import TanbaErrors
import TanbaPipeline
import TanbaStore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit trail: every user action, hash-chained.",
        subcommands: [Verify.self, Search.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Prove the chain: every entry's hash holds and links to the one before. Exit 2 (AUDIT_BROKEN) if not.")
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            try reportingFailures(command: "audit verify", json: false) {
                let count = try Audit.verify(try storeOptions.open())
                print("audit trail intact: \(count) entries")
            }
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Entries matching every filter given, oldest first.")
        @Option(name: .long, help: "BIN/IIN of the participant acting.") var participant: String?
        @Option(name: .long, help: "IIN of the person.") var iin: String?
        @Option(name: .long, help: "Action (login, submit, read, list-inbox, …).") var action: String?
        @Option(name: .long, help: "Object (document id, code).") var object: String?
        @Option(name: .long, help: "Only entries whose result starts with this (e.g. 403).") var result: String?
        @Option(name: .long, help: "At most this many.") var limit = 1000
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "audit search", json: output.json) {
                let store = try storeOptions.open()
                var found: [AuditRecord] = []
                var after: Int64 = 0
                while found.count < limit {
                    let batch = try store.read { try $0.audit(after: after, limit: 10_000) }
                    if batch.isEmpty { break }
                    found += batch.filter { entry in
                        (participant == nil || entry.participant == participant) && (iin == nil || entry.iin == iin)
                            && (action == nil || entry.action == action) && (object == nil || entry.object == object)
                            && (result == nil || entry.result.hasPrefix(result!))
                    }
                    after = batch.last!.seq
                }
                let shown = Array(found.prefix(limit))
                if output.json { return try printJSON(shown) }
                let formatter = ISO8601DateFormatter()
                for entry in shown {
                    print(
                        "\(entry.seq)  \(formatter.string(from: entry.at))  \(entry.channel)  \(entry.address ?? "-")  "
                            + "\(entry.participant ?? "-")/\(entry.iin ?? "-")  \(entry.action)  \(entry.object ?? "-")  \(entry.result)"
                    )
                }
            }
        }
    }
}
