public import AsyncHTTPClient
public import Foundation
public import Logging
public import NIOCore
public import ServiceLifecycle
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaIntegrations
import TanbaPipeline
public import TanbaStore
public import TanbaXML

/// Reads participants' statuses from the state registers through the e-government gateway (`RegisterGateway`) and
/// keeps them on the participants: one suspended or liquidated can no longer log in or sign
/// (`Participant.checkRepresentative`, the one rule both use).
///
/// Every participant is asked, a hundred per message. A change of status is saved with its audit entry (channel
/// `registers`) in one transaction per message; an answer that is not a valid one for the message changes nothing.
public struct RegisterRefresh: Sendable {
    public let store: any HubStore
    public let endpoint: String
    public let client: HTTPClient
    public let senderId: String
    public let password: String
    public let batch: Int
    public let timeout: TimeAmount
    /// The gateway's certificate: its answers must be signed with it.
    public let gateway: Certificate

    public init(
        store: any HubStore, endpoint: String, gateway: Certificate, client: HTTPClient = .shared,
        senderId: String = "tanba", password: String = "", batch: Int = 100, timeout: TimeAmount = .seconds(30)
    ) {
        self.store = store
        self.gateway = gateway
        self.endpoint = endpoint
        self.client = client
        self.senderId = senderId
        self.password = password
        self.batch = batch
        self.timeout = timeout
    }

    /// What one refresh found.
    public struct Report: Sendable, Encodable {
        /// Participants asked about.
        public var asked = 0
        /// Status changes saved: `id: old → new`.
        public var changed: [String] = []
        /// Participants the register does not know.
        public var unknown: [String] = []
    }

    /// Asks about every participant and saves what changed.
    /// - Throws: `REGISTER_UNREACHABLE`; for an answer that is not the gateway's valid answer to the message (audited,
    ///   channel `registers`, action `register-answer`, result `refused CODE`) the XML core's codes,
    ///   `REGISTER_ANSWER_UNSIGNED`, `REGISTER_ANSWER_WRONG_SIGNER`, `REGISTER_ANSWER_STALE` or
    ///   `REGISTER_ANSWER_INVALID`. What an earlier message of the same refresh saved stays saved: each message is
    ///   applied whole or not at all.
    public func refresh(now: Date = Date()) async throws -> Report {
        let participants = try await store.snapshot { try $0.participants() }
        var report = Report()
        for start in stride(from: 0, to: participants.count, by: batch) {
            let chunk = Array(participants[start..<min(start + batch, participants.count)])
            let ids = chunk.map(\.id)
            let messageId = UUID().uuidString.lowercased()
            let askedAt = Date()
            let answer = try await post(
                RegisterGateway.request(
                    ids: ids, messageId: messageId, senderId: senderId, password: password, at: askedAt))
            let subjects: [RegisterGateway.Subject]
            do {
                subjects = try RegisterGateway.parseResponse(
                    answer, messageId: messageId, ids: ids, askedAt: askedAt, gateway: gateway, now: Date())
            } catch let error as TanbaError {
                // Bad input from a counterpart is audited like a refused document: the operator sees that someone
                // other than the gateway answered, or the gateway answered wrongly, not only a log line.
                let event = Audit.Event(
                    channel: "registers", action: "register-answer", object: messageId, result: "refused \(error.code)")
                _ = try? await store.transaction { try Audit.append(event, at: now, in: $0) }
                throw error
            }
            let byId = Dictionary(uniqueKeysWithValues: subjects.map { ($0.id, $0) })
            report.asked += ids.count
            report.unknown += ids.filter { byId[$0]?.status == nil }
            let changes = chunk.compactMap { participant -> (Participant, String)? in
                guard let subject = byId[participant.id], let status = subject.status else { return nil }
                let before = participant.register?.status
                guard before != status || participant.register?.registerCode != subject.code else { return nil }
                var updated = participant
                updated.register = RegisterStanding(status: status, registerCode: subject.code, checkedAt: now)
                return (updated, "\(before?.rawValue ?? "unchecked") → \(status.rawValue)")
            }
            // The copy registrations are checked against learns what the gateway said of each subject it knows.
            let entries = subjects.compactMap { subject in
                subject.status.map {
                    RegisterEntry(
                        id: subject.id, name: subject.name, status: $0, registerCode: subject.code, updatedAt: now)
                }
            }
            if !entries.isEmpty { _ = try await store.transaction { try $0.save(entries) } }
            guard !changes.isEmpty else { continue }
            try await store.transaction { tx in
                for (participant, change) in changes {
                    // Saved over the participant as read now, not as read at the start: a representative added
                    // meanwhile is kept.
                    guard var current = try tx.participant(participant.id) else { continue }
                    current.register = participant.register
                    try tx.save(current)
                    _ = try Audit.append(
                        Audit.Event(
                            participant: participant.id, channel: "registers", action: "register-status",
                            object: participant.id, result: change),
                        at: now, in: tx)
                }
            }
            report.changed += changes.map { "\($0.0.id): \($0.1)" }
        }
        return report
    }

    private func post(_ body: [UInt8]) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
        request.headers.add(name: "SOAPAction", value: "\"SendMessage\"")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw TanbaError(.registerUnreachable, "the registers' gateway at \(endpoint) could not be reached")
        }
        guard response.status.code == 200 else {
            throw TanbaError(.registerUnreachable, "the registers' gateway answered HTTP \(response.status.code)")
        }
        return Array(bytes.readableBytesView)
    }
}

/// The refresh as a service of `tanba serve`: at start, then every `interval`; a failed refresh is logged and tried
/// again at the next turn.
public struct RegisterRefreshService: Service {
    public let refresh: RegisterRefresh
    public let interval: Duration
    let logger: Logger

    public init(refresh: RegisterRefresh, interval: Duration, logger: Logger) {
        self.refresh = refresh
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let report = try await refresh.refresh()
                    logger.info(
                        "registers refreshed",
                        metadata: [
                            "asked": "\(report.asked)", "changed": "\(report.changed.joined(separator: "; "))",
                            "unknown": "\(report.unknown.joined(separator: ","))",
                        ])
                } catch let error as TanbaError {
                    logger.error(
                        "registers not refreshed", metadata: ["code": "\(error.code)", "reason": "\(error.message)"])
                } catch {
                    logger.error("registers not refreshed", metadata: ["reason": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
