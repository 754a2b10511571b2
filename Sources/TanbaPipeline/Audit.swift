import Crypto
public import Foundation
import TanbaErrors
public import TanbaStore
import TanbaXML

/// The audit trail: every user action on every channel, append-only and tamper-evident. Each entry's hash
/// covers its fields and the previous entry's hash, so changing, removing or reordering an entry breaks every
/// hash after it.
public enum Audit {
    /// The hash before the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// What happened, before it is numbered and chained.
    public struct Event: Sendable {
        public var iin: String?
        public var participant: String?
        public var address: String?
        public var channel: String
        public var action: String
        public var object: String?
        public var result: String

        public init(
            iin: String? = nil, participant: String? = nil, address: String? = nil, channel: String, action: String,
            object: String? = nil, result: String
        ) {
            self.iin = iin
            self.participant = participant
            self.address = address
            self.channel = channel
            self.action = action
            self.object = object
            self.result = result
        }
    }

    /// Appends an event in its own transaction.
    public static func record(_ event: Event, in store: any HubStore, at date: Date = Date()) throws {
        _ = try store.write { try append(event, at: date, in: $0) }
    }

    /// Appends an event inside a transaction (the chain's head is read and extended under the writer's lock).
    @discardableResult
    public static func append(_ event: Event, at date: Date, in tx: any StoreWriter) throws -> AuditRecord {
        let last = try tx.lastAudit()
        let seq = (last?.seq ?? 0) + 1
        let previous = last?.hash ?? genesis
        let at = (date.timeIntervalSince1970 * 1000).rounded() / 1000  // what the store keeps, to the millisecond
        let record = AuditRecord(
            seq: seq, at: Date(timeIntervalSince1970: at), iin: event.iin, participant: event.participant,
            address: event.address, channel: event.channel, action: event.action, object: event.object,
            result: event.result, previous: previous, hash: "")
        let chained = AuditRecord(
            seq: seq, at: record.at, iin: record.iin, participant: record.participant, address: record.address,
            channel: record.channel, action: record.action, object: record.object, result: record.result,
            previous: previous, hash: hash(record))
        try tx.append(chained)
        return chained
    }

    /// SHA-256 over the previous hash and every field, each length-prefixed (no field can spill into the next).
    static func hash(_ record: AuditRecord) -> String {
        var bytes: [UInt8] = []
        for field in [
            record.previous, String(record.seq), String(format: "%.3f", record.at.timeIntervalSince1970),
            record.iin ?? "", record.participant ?? "", record.address ?? "", record.channel, record.action,
            record.object ?? "", record.result,
        ] {
            let utf8 = Array(field.utf8)
            bytes += withUnsafeBytes(of: UInt32(utf8.count).bigEndian, Array.init) + utf8
        }
        return Hex.encode(SHA256.hash(data: bytes))
    }

    /// Walks the whole chain. Returns how many entries it holds.
    /// - Throws: `AUDIT_BROKEN` naming the first entry whose link or hash does not hold.
    public static func verify(_ store: any HubStore) throws -> Int {
        var previous = genesis
        var expectedSeq: Int64 = 1
        var count = 0
        var after: Int64 = 0
        while true {
            let batch = try store.read { try $0.audit(after: after, limit: 10_000) }
            if batch.isEmpty { break }
            for record in batch {
                guard record.seq == expectedSeq else {
                    throw TanbaError(.auditBroken, "entry \(expectedSeq) is missing (found \(record.seq) next)")
                }
                guard record.previous == previous, hash(record) == record.hash else {
                    throw TanbaError(.auditBroken, "entry \(record.seq) was changed: its hash chain does not hold")
                }
                previous = record.hash
                expectedSeq += 1
                count += 1
            }
            after = batch.last!.seq
        }
        return count
    }
}
