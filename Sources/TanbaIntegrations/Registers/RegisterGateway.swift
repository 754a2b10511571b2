public import Foundation
public import TanbaDomain
import TanbaErrors
public import TanbaXML

/// The e-government gateway's synchronous channel (ШЭП / SmartBridge `SyncChannel` v10), as the hub asks the state
/// registers of legal entities and entrepreneurs for participants' statuses.
///
/// The envelope is the gateway's published one: `SendMessage` with `request/requestInfo` (`messageId`,
/// `serviceId`, `messageDate`, `sender/senderId`, `sender/password`) and `request/requestData/data`; the answer
/// `SendMessageResponse/response` with `responseInfo` (`messageId`, `correlationId`, `responseDate`,
/// `status/code`, `status/message`) and `responseData/data`. What travels inside `data` is not public for this
/// service: its shape (`StatusRequest` of BINs/IINs, `StatusResponse` of `Subject`s with the register's status
/// code and words) is the hub's own, in namespace `urn:kz:tanba:register-status:1` (docs/INTEGRATIONS.md).
public enum RegisterGateway {
    public static let soap = "http://schemas.xmlsoap.org/soap/envelope/"
    public static let syncTypes = "http://bip.bee.kz/SyncChannel/v10/Types"
    public static let dataNamespace = "urn:kz:tanba:register-status:1"
    /// The service asked (ours).
    public static let serviceId = "TANBA_REGISTER_STATUS"

    /// One subject as the register answers for it.
    public struct Subject: Sendable, Hashable {
        public let id: String
        /// nil: the register does not know this BIN/IIN.
        public let status: RegisterStatus?
        /// The register's own status code (its directory), e.g. `ACTIVE`, `SUSPENDED`, `LIQUIDATED`.
        public let code: String?
        public let name: String?

        public init(id: String, status: RegisterStatus?, code: String?, name: String?) {
            self.id = id
            self.status = status
            self.code = code
            self.name = name
        }
    }

    /// The register's status codes and what they mean for the hub (a directory; a code not in it is refused as an
    /// invalid answer rather than guessed at).
    public static let directory: [String: RegisterStatus] = [
        "ACTIVE": .active, "SUSPENDED": .suspended, "LIQUIDATED": .liquidated, "IN_LIQUIDATION": .suspended,
    ]

    /// The request for `ids` (BINs and IINs), with its message id.
    public static func request(ids: [String], messageId: String, senderId: String, password: String, at date: Date)
        -> [UInt8]
    {
        let subjects = ids.map { "<r:Id>\(XMLText.escape($0))</r:Id>" }.joined()
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soap:Envelope xmlns:soap="\(soap)"><soap:Body><t:SendMessage xmlns:t="\(syncTypes)"><request>\
            <requestInfo><messageId>\(XMLText.escape(messageId))</messageId><serviceId>\(serviceId)</serviceId>\
            <messageDate>\(timestamp(date))</messageDate><sender><senderId>\(XMLText.escape(senderId))</senderId>\
            <password>\(XMLText.escape(password))</password></sender></requestInfo>\
            <requestData><data><r:StatusRequest xmlns:r="\(dataNamespace)">\(subjects)</r:StatusRequest></data>\
            </requestData></request></t:SendMessage></soap:Body></soap:Envelope>
            """
        return Array(xml.utf8)
    }

    /// The answer to `messageId` for `subjects`: what the simulator writes, and what a test feeds the parser.
    public static func response(
        _ subjects: [Subject], correlationId: String, status: (code: String, message: String) = ("SCSS001", "OK"),
        at date: Date
    ) -> [UInt8] {
        let items = subjects.map { subject -> String in
            var item = "<r:Subject><r:Id>\(XMLText.escape(subject.id))</r:Id>"
            if let code = subject.code { item += "<r:RegStatus>\(XMLText.escape(code))</r:RegStatus>" }
            if let name = subject.name { item += "<r:Name>\(XMLText.escape(name))</r:Name>" }
            return item + "</r:Subject>"
        }.joined()
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soap:Envelope xmlns:soap="\(soap)"><soap:Body><t:SendMessageResponse xmlns:t="\(syncTypes)"><response>\
            <responseInfo><messageId>\(UUID().uuidString.lowercased())</messageId>\
            <correlationId>\(XMLText.escape(correlationId))</correlationId><responseDate>\(timestamp(date))</responseDate>\
            <status><code>\(XMLText.escape(status.code))</code><message>\(XMLText.escape(status.message))</message>\
            </status></responseInfo><responseData><data><r:StatusResponse xmlns:r="\(dataNamespace)">\(items)\
            </r:StatusResponse></data></responseData></response></t:SendMessageResponse></soap:Body></soap:Envelope>
            """
        return Array(xml.utf8)
    }

    /// How far the gateway's clock may be from the hub's when its answer is dated.
    public static let clockSkew: TimeInterval = 300

    /// Reads the gateway's answer to the request `messageId` for `ids`, asked at `askedAt`, once it is known to come
    /// from the gateway: signed (an enveloped XMLDSig, last child of the Envelope) by the pinned `gateway`
    /// certificate, and dated between the question and now.
    /// - Throws: the XML core's codes for input that is not safe XML; `REGISTER_ANSWER_UNSIGNED` without a
    ///   signature; `REGISTER_ANSWER_WRONG_SIGNER` when it is not the gateway's or does not verify;
    ///   `REGISTER_ANSWER_STALE` when `responseDate` is before the question or after now (beyond `clockSkew`): a
    ///   replayed or delayed answer; `REGISTER_ANSWER_INVALID` naming the element for anything else that is not this
    ///   answer: another envelope, an error status, the answer to another message, a subject not asked for or asked
    ///   twice, a status code not in `directory`.
    public static func parseResponse(
        _ bytes: [UInt8], messageId: String, ids: [String], askedAt: Date, gateway: Certificate, now: Date = Date()
    ) throws -> [Subject] {
        let document = try XMLDocument.parse(bytes)
        _ = try SignatureVerifier.verify(
            document, pinnedTo: gateway, at: now, counterpart: "registers' answer", unsigned: .registerAnswerUnsigned,
            wrongSigner: .registerAnswerWrongSigner)
        return try subjects(in: document.root, messageId: messageId, ids: ids, askedAt: askedAt, now: now)
    }

    /// The answer's subjects, its signature checked already.
    static func subjects(in root: XMLElement, messageId: String, ids: [String], askedAt: Date, now: Date) throws
        -> [Subject]
    {
        guard root.name == "Envelope", root.namespaceURI == soap else {
            throw invalid(root, "not a SOAP 1.1 Envelope")
        }
        let body = try required(root, "Body", soap)
        let answer = try required(body, "SendMessageResponse", syncTypes)
        let response = try required(answer, "response", nil)
        let info = try required(response, "responseInfo", nil)
        let correlation = try required(info, "correlationId", nil)
        guard correlation.text == messageId else {
            throw invalid(correlation, "the answer is to message \(correlation.text), not \(messageId)")
        }
        let dated = try required(info, "responseDate", nil)
        guard let date = ISO8601DateFormatter().date(from: dated.text) else {
            throw invalid(dated, "responseDate \(dated.text) is not an ISO 8601 time with its offset")
        }
        guard date >= askedAt - clockSkew, date <= now + clockSkew else {
            throw TanbaError(
                .registerAnswerStale,
                "the answer is dated \(dated.text), "
                    + (date < askedAt ? "before the question was asked (\(timestamp(askedAt)))" : "in the future")
                    + ": a replayed or delayed answer", line: dated.line, path: dated.path)
        }
        let status = try required(info, "status", nil)
        let code = try required(status, "code", nil)
        guard code.text.hasPrefix("SCSS") else {
            let words = status.child(named: "message", namespace: nil)?.text ?? ""
            throw invalid(code, "the gateway answered \(code.text): \(words)")
        }
        let data = try required(try required(response, "responseData", nil), "data", nil)
        let list = try required(data, "StatusResponse", dataNamespace)
        let asked = Set(ids)
        var seen: Set<String> = []
        var subjects: [Subject] = []
        for item in list.children {
            guard item.name == "Subject", item.namespaceURI == dataNamespace else {
                throw invalid(item, "unexpected element \(item.name) in the list of subjects")
            }
            let id = try required(item, "Id", dataNamespace)
            guard asked.contains(id.text), seen.insert(id.text).inserted else {
                throw invalid(id, "\(id.text) was not asked for, or is answered twice")
            }
            let registerCode = item.child(named: "RegStatus", namespace: dataNamespace)
            var status: RegisterStatus?
            if let registerCode {
                guard let known = directory[registerCode.text] else {
                    throw invalid(
                        registerCode,
                        "status \(registerCode.text) is not in the directory (\(directory.keys.sorted().joined(separator: ", ")))"
                    )
                }
                status = known
            }
            subjects.append(
                Subject(
                    id: id.text, status: status, code: registerCode?.text,
                    name: item.child(named: "Name", namespace: dataNamespace)?.text))
        }
        return subjects
    }

    /// Reads a request (the simulator's side): its message id and the BINs/IINs asked about.
    /// - Throws: the XML core's codes; `REGISTER_ANSWER_INVALID` naming the element for anything else.
    public static func parseRequest(_ bytes: [UInt8]) throws -> (messageId: String, ids: [String]) {
        let root = try XMLDocument.parse(bytes).root
        guard root.name == "Envelope", root.namespaceURI == soap else {
            throw invalid(root, "not a SOAP 1.1 Envelope")
        }
        let request = try required(
            try required(try required(root, "Body", soap), "SendMessage", syncTypes), "request", nil)
        let info = try required(request, "requestInfo", nil)
        let messageId = try required(info, "messageId", nil).text
        let service = try required(info, "serviceId", nil)
        guard service.text == serviceId else { throw invalid(service, "unknown service \(service.text)") }
        let list = try required(
            try required(try required(request, "requestData", nil), "data", nil), "StatusRequest", dataNamespace)
        let ids = list.children(named: "Id", namespace: dataNamespace).map(\.text)
        guard !messageId.isEmpty, !ids.isEmpty else {
            throw invalid(list, "a request names its message and at least one subject")
        }
        return (messageId, ids)
    }

    static func required(_ parent: XMLElement, _ name: String, _ namespace: String?) throws -> XMLElement {
        guard let element = parent.child(named: name, namespace: namespace) else {
            throw TanbaError(
                .registerAnswerInvalid, "\(parent.name) has no \(name)", line: parent.line,
                path: parent.path + "/" + name)
        }
        return element
    }

    static func invalid(_ element: XMLElement, _ message: String) -> TanbaError {
        TanbaError(.registerAnswerInvalid, message, line: element.line, path: element.path)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 5 * 3600)
        return formatter.string(from: date)
    }
}
