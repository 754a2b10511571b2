public import Foundation
public import TanbaDomain
import TanbaErrors
import TanbaIntegrations
import TanbaPipeline
public import TanbaStore

/// The hub's copy of the state registers of legal entities and entrepreneurs: imported from the register's dump,
/// refreshed through the e-government gateway, and what registrations are checked against.
public enum RegisterCopy {
    /// What an import did.
    public struct Report: Sendable, Encodable {
        /// Subjects in the dump.
        public var read = 0
        /// Subjects new or changed in the copy.
        public var saved = 0
        /// Participants whose standing changed: `id: old → new` (audited).
        public var participants: [String] = []
    }

    /// The register's dump as the hub takes it: a JSON object of BIN/IIN → `{"status": CODE, "name": …}`, the
    /// status in the register's own directory (`ACTIVE`, `SUSPENDED`, `IN_LIQUIDATION`, `LIQUIDATED`) — the same
    /// shape `tanba-sim egov --registry` answers from.
    /// - Throws: `REGISTER_ANSWER_INVALID` naming the first subject that is not valid (not JSON, a BIN/IIN with a
    ///   wrong check digit, a status not in the directory): nothing is imported then.
    public static func parse(_ bytes: [UInt8], at now: Date) throws -> [RegisterEntry] {
        struct Subject: Decodable {
            var status: String?
            var name: String?
        }
        let subjects: [String: Subject]
        do { subjects = try JSONDecoder().decode([String: Subject].self, from: Data(bytes)) } catch {
            throw TanbaError(
                .registerAnswerInvalid, "the register's dump is not a JSON object of BIN/IIN → {status, name}")
        }
        return try subjects.keys.sorted().map { id in
            let subject = subjects[id]!
            do { _ = try KazakhIdentifier(id) } catch let error as TanbaError {
                throw TanbaError(
                    .registerAnswerInvalid, "the register's dump: \(id) is not a BIN/IIN: \(error.message)")
            }
            guard let code = subject.status, let status = RegisterGateway.directory[code] else {
                throw TanbaError(
                    .registerAnswerInvalid,
                    "the register's dump: \(id) has status \(subject.status ?? "none"), not in the directory ("
                        + RegisterGateway.directory.keys.sorted().joined(separator: ", ") + ")")
            }
            return RegisterEntry(id: id, name: subject.name, status: status, registerCode: code, updatedAt: now)
        }
    }

    /// Imports `entries` in one transaction: the copy takes them, and each registered participant among them whose
    /// standing changed gets it (a suspended or liquidated one can no longer log in or sign), audited as the
    /// gateway's refresh is.
    public static func save(
        _ entries: [RegisterEntry], in tx: any StoreWriter, at now: Date, audit channel: String, address: String?
    ) throws -> Report {
        var report = Report(read: entries.count)
        report.saved = try tx.save(entries)
        for entry in entries {
            guard var participant = try tx.participant(entry.id) else { continue }
            let before = participant.register
            guard before?.status != entry.status || before?.registerCode != entry.registerCode else { continue }
            participant.register = RegisterStanding(
                status: entry.status, registerCode: entry.registerCode, checkedAt: now)
            try tx.save(participant)
            let change = "\(before?.status.rawValue ?? "unchecked") → \(entry.status.rawValue)"
            _ = try Audit.append(
                Audit.Event(
                    participant: entry.id, address: address, channel: channel, action: "register-status",
                    object: entry.id, result: change),
                at: now, in: tx)
            report.participants.append("\(entry.id): \(change)")
        }
        return report
    }

    /// What the registers say of `id` registering now, when the hub holds a copy of them.
    /// - Returns: the standing to keep on the new participant; nil when no register was imported (the copy is
    ///   empty: registrations are not checked, and the gateway's refresh reads the standing later).
    /// - Throws: `REGISTRATION_NOT_IN_REGISTER` when the registers do not know `id`; `AUTH_PARTICIPANT_INACTIVE`
    ///   when they say it is suspended or liquidated.
    public static func check(_ id: String, in tx: any StoreReader, at now: Date) throws -> RegisterStanding? {
        guard try tx.registerImported() else { return nil }
        guard let entry = try tx.registerEntry(id) else {
            throw TanbaError(
                .registrationNotInRegister,
                "\(id) is not in the state registers of legal entities and entrepreneurs the hub holds")
        }
        guard entry.status == .active else {
            throw TanbaError(
                .authParticipantInactive, "\(id) is \(entry.status.rawValue) in the state register; it cannot register")
        }
        return RegisterStanding(status: entry.status, registerCode: entry.registerCode, checkedAt: now)
    }
}
