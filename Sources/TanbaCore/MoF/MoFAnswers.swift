public import Foundation
import TanbaErrors
public import TanbaIntegrations
import TanbaPipeline
public import TanbaStore
public import TanbaXML

/// The Ministry's signed acknowledgements — of exports (`MoFAcknowledgement`) and of reconciliation reports
/// (`MoFReconciliationAcknowledgement`) — verified and recorded by one procedure, so that both refuse the same
/// faults with the same codes, in the same order.
public enum MoFAnswers {
    /// What one kind of acknowledgement acknowledges: how to find it in the store and record the answer on it.
    public struct Subject<Answer: MoFAnswer, Record: MoFAcknowledgeable>: Sendable {
        /// `export`, `reconciliation report`: how messages name it.
        let noun: String
        /// The audit entry's action.
        public let action: String
        /// The code of an acknowledgement naming none the hub made.
        let unknown: ErrorCode
        let find: @Sendable (any StoreReader, String) throws -> Record?
        /// The conditional update (`WHERE ack_state = 'pending'`): false when it had an acknowledgement.
        let acknowledge: @Sendable (any StoreWriter, String, MoFAckState, Date, String?) throws -> Bool

        /// The record `id` names, as stored now.
        public func record(_ id: String, in store: any HubStore) throws -> Record? {
            try store.read { try find($0, id) }
        }
    }

    /// Verifies and records an acknowledgement, in this order:
    /// 1. it is XML at all (`MOF_ACK_INVALID`, with the XML core's code in the message);
    /// 2. it is signed (`MOF_ACK_UNSIGNED`), by the configured certificate of the Ministry, `pinned`, and the
    ///    signature verifies (`MOF_ACK_WRONG_SIGNER`, the signature's own code in the message);
    /// 3. its fields are there and in pattern (`MOF_ACK_INVALID` naming the element);
    /// 4. it names what `answering` names when given (the delivery it answers), and something the hub made
    ///    (`subject.unknown`), its digest is that one's (`MOF_ACK_DIGEST_MISMATCH`), it is not older than it
    ///    (`MOF_ACK_OUT_OF_ORDER`), and it has no acknowledgement yet (`MOF_ACK_REPLAYED`: the first stands).
    ///
    /// The record is one conditional update, so two copies applied at once record one. Both outcomes are audited
    /// (channel `mof`, `subject.action`): the result recorded, or `refused CODE`.
    /// - Returns: the record as acknowledged now.
    public static func apply<Answer, Record>(
        _ bytes: [UInt8], _ subject: Subject<Answer, Record>, pinned: Certificate, store: any HubStore,
        at now: Date = Date(), source: String, answering: String? = nil
    ) throws -> Record {
        do {
            let answer = try verify(bytes, as: Answer.self, pinned: pinned, at: now)
            let idPath = "/\(Answer.rootName)/\(Answer.idElement)"
            if let answering, answer.acknowledgedId != answering {
                throw TanbaError(
                    subject.unknown, "the answer to \(subject.noun) \(answering) acknowledges \(answer.acknowledgedId)",
                    path: idPath)
            }
            return try store.write { tx in
                guard var record = try subject.find(tx, answer.acknowledgedId) else {
                    throw TanbaError(
                        subject.unknown, "the hub made no \(subject.noun) \(answer.acknowledgedId)", path: idPath)
                }
                guard answer.sha256 == record.digest else {
                    throw TanbaError(
                        .mofAckDigestMismatch,
                        "the acknowledgement's digest \(answer.sha256) is not \(subject.noun) \(record.id)'s "
                            + "\(record.digest)", path: "/\(Answer.rootName)/SHA256")
                }
                // The date-time travels to the second: an acknowledgement within the record's second is in order.
                guard answer.acknowledgedAt >= record.createdAt.addingTimeInterval(-1) else {
                    throw TanbaError(
                        .mofAckOutOfOrder,
                        "acknowledged at \(MoFFormat.dateTime(answer.acknowledgedAt)), before \(subject.noun) "
                            + "\(record.id) was made (\(MoFFormat.dateTime(record.createdAt)))",
                        path: "/\(Answer.rootName)/AcknowledgedAt")
                }
                let state: MoFAckState = answer.accepted ? .accepted : .rejected
                guard try subject.acknowledge(tx, record.id, state, now, answer.reason) else {
                    throw TanbaError(
                        .mofAckReplayed,
                        "\(subject.noun) \(record.id) was acknowledged already (\(record.ackState.rawValue))",
                        path: idPath)
                }
                record.ackState = state
                record.ackAt = now
                record.ackReason = answer.reason
                try Audit.append(
                    Audit.Event(
                        address: source, channel: MoFExporter.channel, action: subject.action, object: record.id,
                        result: state.rawValue + (answer.reason.map { ": \($0)" } ?? "")),
                    at: now, in: tx)
                return record
            }
        } catch let error as TanbaError where error.category != .internal {
            try? Audit.record(
                Audit.Event(
                    address: source, channel: MoFExporter.channel, action: subject.action, object: nil,
                    result: "refused \(error.code)"), in: store, at: now)
            throw error
        }
    }

    /// The acknowledgement's fields, once its signature by `pinned` is verified.
    public static func verify<Answer: MoFAnswer>(
        _ bytes: [UInt8], as: Answer.Type, pinned: Certificate, at now: Date
    ) throws -> Answer {
        let document = try signedByMinistry(
            bytes, pinned: pinned, at: now, counterpart: "acknowledgement", invalid: .mofAckInvalid,
            unsigned: .mofAckUnsigned, wrongSigner: .mofAckWrongSigner)
        return try Answer.parse(document.root)
    }

    /// What the Ministry sends — its acknowledgements, its SNT lists — parsed and verified as signed by its pinned
    /// certificate, each kind refused with its own codes: not safe, well-formed XML (`invalid`, the XML core's code
    /// in the message), no signature (`unsigned`), another signer or a signature that does not verify
    /// (`wrongSigner`). The fields are the caller's to read.
    static func signedByMinistry(
        _ bytes: [UInt8], pinned: Certificate, at now: Date, counterpart: String, invalid: ErrorCode,
        unsigned: ErrorCode, wrongSigner: ErrorCode
    ) throws -> XMLDocument {
        let document: XMLDocument
        do { document = try XMLDocument.parse(bytes) } catch let error as TanbaError {
            throw TanbaError(
                invalid, "the \(counterpart) is not safe, well-formed XML: \(error.code) \(error.message)")
        }
        _ = try SignatureVerifier.verify(
            document, pinnedTo: pinned, at: now, counterpart: counterpart, unsigned: unsigned,
            wrongSigner: wrongSigner)
        return document
    }

    /// Whether `bytes` are an acknowledgement the store holds already for `record`, with the same outcome: the
    /// answer to a delivery whose recording an earlier attempt made (the hub stopped before marking the message).
    public static func isRecorded<Answer, Record>(
        _ bytes: [UInt8], _ subject: Subject<Answer, Record>, for id: String, pinned: Certificate, store: any HubStore
    ) -> Record? {
        guard let recorded = try? subject.record(id, in: store),
            let again = try? verify(bytes, as: Answer.self, pinned: pinned, at: Date()),
            again.acknowledgedId == recorded.id, again.sha256 == recorded.digest,
            (again.accepted ? MoFAckState.accepted : .rejected) == recorded.ackState
        else { return nil }
        return recorded
    }
}

extension MoFAnswers.Subject where Answer == MoFAcknowledgement, Record == MoFExportRecord {
    /// An export's acknowledgement (audit action `mof-ack`).
    public static var export: Self {
        Self(
            noun: "export", action: "mof-ack", unknown: .mofAckUnknownExport,
            find: { try $0.mofExport(id: $1) }, acknowledge: { try $0.acknowledge($1, state: $2, at: $3, reason: $4) })
    }
}

extension MoFAnswers.Subject where Answer == MoFReconciliationAcknowledgement, Record == MoFReconciliationRecord {
    /// A reconciliation report's acknowledgement (audit action `mof-reconcile-ack`).
    public static var reconciliation: Self {
        Self(
            noun: "reconciliation report", action: "mof-reconcile-ack", unknown: .mofAckUnknownReport,
            find: { try $0.mofReconciliation(id: $1) },
            acknowledge: { try $0.acknowledgeReconciliation($1, state: $2, at: $3, reason: $4) })
    }
}
