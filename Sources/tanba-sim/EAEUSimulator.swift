import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import TanbaErrors
import TanbaIntegrations
import TanbaXML

/// The simulated receiving system: what it was sent, in memory behind a mutex and (when asked) in a record file.
///
/// Per request to `POST /eaeu/soap`, in this order:
/// 1. the first `failFirst` requests are answered 503 (a receiver that is down), whatever they hold;
/// 2. the envelope is read: SOAP Fault, HTTP 400, when it is malformed or lacks `wsa:MessageID` or `wsa:Action`;
/// 3. a MessageID seen before is answered with the first answer again and counted as a duplicate;
/// 4. the signature is checked against the pinned hub certificate (`--trust`): Faults `unsigned`, `wrong signer`,
///    `signature invalid: CODE …`;
/// 5. the departure is read: Fault `invalid departure: CODE …` naming the element;
/// 6. the message is recorded and answered 200 with an accepted `EAEUProcessingResult`.
final class EAEUSimulator: Sendable {
    /// One message received, as `GET /eaeu/received` and the record file show it.
    struct Received: Codable, Sendable {
        var messageID: String
        var edocId: String
        var codes: Int
        /// The rest is what the answer is rebuilt from after a restart: the same answer for a duplicate.
        var at: String?
        var resultEdocId: String?
        var resultMessageID: String?
    }

    struct State {
        var failures: FailFirst
        var duplicates = 0
        var messages: [Received] = []
        var answers: [String: [UInt8]] = [:]
    }

    let state: Mutex<State>
    let pinned: Certificate?
    let record: RecordFile?

    /// Seconds a newly received message's answer is held (`--hold`).
    let hold: Double

    init(failFirst: Int, pinned: Certificate?, record: URL?, hold: Double = 0) throws {
        self.pinned = pinned
        self.record = record.map(RecordFile.init)
        self.hold = hold
        var initial = State(failures: FailFirst(failFirst))
        for entry in try self.record?.entries(Received.self) ?? [] {
            initial.messages.append(entry)
            if let answer = Self.answer(rebuiltFrom: entry) { initial.answers[entry.messageID] = answer }
        }
        state = Mutex(initial)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/eaeu/soap") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            let before = self.state.withLock { $0.messages.count }
            let response = self.receive(Array(buffer: body))
            // A slow receiver: the message is recorded, its answer comes later (a hub killed meanwhile sends it again).
            if self.hold > 0, self.state.withLock({ $0.messages.count }) > before {
                try await Task.sleep(for: .milliseconds(Int(self.hold * 1000)))
            }
            return response
        }
        router.get("/eaeu/received") { _, _ -> Response in
            let summary = self.state.withLock { state in
                Summary(
                    messages: state.messages.map { .init(messageID: $0.messageID, edocId: $0.edocId, codes: $0.codes) },
                    duplicates: state.duplicates, failed: state.failures.failed)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let json = (try? encoder.encode(summary)) ?? Data("{}".utf8)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        return router
    }

    /// `GET /eaeu/received`'s answer.
    struct Summary: Codable {
        struct Message: Codable {
            var messageID: String
            var edocId: String
            var codes: Int
        }
        var messages: [Message]
        var duplicates: Int
        var failed: Int
    }

    /// One request's answer.
    func receive(_ bytes: [UInt8]) -> Response {
        let failing = state.withLock { $0.failures.fails() }
        if failing {
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "1"],
                body: .init(byteBuffer: ByteBuffer(string: "the receiving system is unavailable (--fail-first)\n")))
        }
        let addressing: WSAddressing
        let body: [UInt8]
        do { (addressing, body) = try SOAPEnvelope.parse(bytes) } catch {
            return fault("malformed envelope: \(Self.describe(error))", relatesTo: nil)
        }
        if let answer = state.withLock({ state -> [UInt8]? in
            guard let answer = state.answers[addressing.messageID] else { return nil }
            state.duplicates += 1
            return answer
        }) {
            return xml(.ok, answer)
        }
        if let pinned {
            do {
                _ = try SignatureVerifier.verify(XMLDocument.parse(body), pinnedTo: pinned)
            } catch let error as TanbaError where error.code == .sigMissing {
                return fault("unsigned", relatesTo: addressing)
            } catch let error as TanbaError where error.code == .certUntrusted {
                return fault("wrong signer", relatesTo: addressing)
            } catch {
                return fault("signature invalid: \(Self.describe(error))", relatesTo: addressing)
            }
        }
        let departure: EAEUDeparture
        do { departure = try EAEUMessages.parseDeparture(body) } catch {
            return fault("invalid departure: \(Self.describe(error))", relatesTo: addressing)
        }
        let now = Date()
        let entry = Received(
            messageID: addressing.messageID, edocId: departure.edocId, codes: departure.codeCount,
            at: EAEUMessages.dateTime(now), resultEdocId: UUID().uuidString.lowercased(),
            resultMessageID: WSAddressing.newMessageID())
        let answer = Self.answer(rebuiltFrom: entry)!
        let stored = state.withLock { state -> [UInt8] in
            // Two copies of one message racing: the first recorded wins, the second is its duplicate.
            if let first = state.answers[addressing.messageID] {
                state.duplicates += 1
                return first
            }
            state.messages.append(entry)
            state.answers[addressing.messageID] = answer
            record?.append(entry)
            return answer
        }
        return xml(.ok, stored)
    }

    /// The accepted answer to a recorded message: its result document in an envelope relating to the request.
    static func answer(rebuiltFrom entry: Received) -> [UInt8]? {
        guard let at = entry.at, let date = ISO8601DateFormatter().date(from: at), let edocId = entry.resultEdocId,
            let messageID = entry.resultMessageID
        else { return nil }
        let result = EAEUProcessingResult(
            edocId: edocId, refEdocId: entry.edocId, dateTime: date, accepted: true, code: "ACCEPTED",
            message: "registered \(entry.codes) identification codes")
        return SOAPEnvelope.wrap(
            body: EAEUMessages.processingResult(result),
            addressing: WSAddressing(
                messageID: messageID, action: EAEUMessages.resultAction, to: WSAddressing.anonymous,
                relatesTo: entry.messageID))
    }

    private func fault(_ text: String, relatesTo request: WSAddressing?) -> Response {
        let addressing = request.map {
            WSAddressing(
                messageID: WSAddressing.newMessageID(), action: "http://www.w3.org/2005/08/addressing/soap/fault",
                to: WSAddressing.anonymous, relatesTo: $0.messageID)
        }
        return xml(.badRequest, SOAPFault.client(text).envelope(addressing: addressing))
    }

    private func xml(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: "text/xml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An error as a Fault's text: its code and message, with the element's path when it has one.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? TanbaError else { return "\(error)" }
        let diagnostic = error.diagnostics[0]
        return "\(diagnostic.code) " + (diagnostic.path.map { "at \($0): " } ?? "") + diagnostic.message
    }
}
