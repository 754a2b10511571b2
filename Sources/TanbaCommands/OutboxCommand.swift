import ArgumentParser
import Foundation
import TanbaErrors
import TanbaStore

/// The outbox of messages to other systems, for operators: what waits, what is stuck or dead, and sending again.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract:
            "Messages to other systems (EAEU, Ministry of Finance): the queue, stuck and dead ones, sending again.",
        subcommands: [Counts.self, List.self, Show.self, Resend.self])

    /// A message as listed (its body and reply only in `show`).
    struct Listed: Encodable {
        let seq: Int64
        let channel: String
        let kind: String
        let idempotencyKey: String
        let state: String
        let attempts: Int
        let createdAt: Date
        let nextAttemptAt: Date?
        let deliveredAt: Date?
        let lastError: String?

        init(_ message: QueuedMessage) {
            seq = message.seq
            channel = message.channel
            kind = message.kind
            idempotencyKey = message.idempotencyKey
            state = message.state.rawValue
            attempts = message.attempts
            createdAt = message.createdAt
            nextAttemptAt = message.state == .pending ? message.nextAttemptAt : nil
            deliveredAt = message.deliveredAt
            lastError = message.lastError
        }
    }

    struct Counts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How many messages of each channel are pending, delivered and dead, and the oldest of each.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        struct Line: Encodable {
            let channel: String
            let state: String
            let count: Int
            let oldest: Date?
        }

        func run() throws {
            try reportingFailures(command: "outbox counts", json: output.json) {
                let counts = try storeOptions.open().read { try $0.outboxCounts() }
                if output.json {
                    return try printJSON(
                        counts.map {
                            Line(channel: $0.channel, state: $0.state.rawValue, count: $0.count, oldest: $0.oldest)
                        })
                }
                if counts.isEmpty { print("the outbox is empty") }
                let formatter = ISO8601DateFormatter()
                for count in counts {
                    print(
                        "\(count.channel)  \(count.state.rawValue)  \(count.count)  oldest "
                            + (count.oldest.map(formatter.string(from:)) ?? "-"))
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Messages in queue order, filtered.")
        @Option(name: .long, help: "pending, delivered or dead.") var state: String?
        @Option(name: .long, help: "eaeu, mof, …") var channel: String?
        @Flag(name: .long, help: "Only messages that failed at least once (with --state pending: the stuck ones).")
        var failed = false
        @Option(name: .long, help: "After this place in the queue (the last one of the page before).") var after: Int64?
        @Option(name: .long, help: "At most this many (1…1000).") var limit = 50
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1…1000, not \(limit)") }
            if let state, OutboxState(rawValue: state) == nil {
                throw ValidationError("--state must be pending, delivered or dead, not '\(state)'")
            }
        }

        func run() throws {
            try reportingFailures(command: "outbox list", json: output.json) {
                let filter = OutboxFilter(
                    state: state.flatMap(OutboxState.init(rawValue:)), channel: channel, failedOnly: failed,
                    after: after, limit: limit)
                let messages = try storeOptions.open().read { try $0.queued(filter) }
                if output.json { return try printJSON(messages.map(Listed.init)) }
                let formatter = ISO8601DateFormatter()
                for message in messages {
                    print(
                        "\(message.seq)  \(message.channel)  \(message.kind)  \(message.state.rawValue)  "
                            + "attempts \(message.attempts)  \(formatter.string(from: message.createdAt))  "
                            + "\(message.idempotencyKey)" + (message.lastError.map { "  last error: \($0)" } ?? ""))
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One message with its body and the receiver's reply.")
        @Argument(help: "Its place in the queue.") var seq: Int64
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            try reportingFailures(command: "outbox show", json: false) {
                let found = try storeOptions.open().read {
                    try $0.queued(OutboxFilter(after: seq - 1, limit: 1)).first { $0.seq == seq }
                }
                guard let message = found else { throw TanbaError(.notFound, "no message \(seq) in the outbox") }
                let listed = Listed(message)
                print("\(listed.seq)  \(listed.channel)  \(listed.kind)  \(listed.state)  attempts \(listed.attempts)")
                if let error = listed.lastError { print("last error: \(error)") }
                print(String(decoding: message.body, as: UTF8.self))
                if let reply = message.reply {
                    print("reply:")
                    print(String(decoding: reply, as: UTF8.self))
                }
            }
        }
    }

    struct Resend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead or stuck messages again from now, their attempts counted from zero (audited).")
        @Argument(help: "Places in the queue.") var seqs: [Int64]
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            try reportingFailures(command: "outbox resend", json: false) {
                let store = try storeOptions.open()
                for seq in seqs {
                    let resent = try OperatorAudit.write(
                        store, action: "outbox-resend", object: "\(seq)",
                        result: { $0 ? "ok" : "refused OUTBOX_NOT_RESENDABLE" }
                    ) { try $0.resend(seq, at: Date()) }
                    guard resent else {
                        throw TanbaError(
                            .outboxNotResendable,
                            "message \(seq) is not dead or stuck: delivered, waiting for its first delivery, or absent")
                    }
                    print("message \(seq) will be sent again")
                }
            }
        }
    }
}
