import Foundation
import TanbaDomain
import TanbaErrors
import TanbaXML

/// The hub's answer to a document: accepted or rejected, every error (with its messages in Kazakh, Russian
/// and English), the rule set applied and the exact code changes — signed by the hub.
enum Receipts {
    static let namespace = "urn:kz:tanba:receipt:1"

    static func make(_ context: Context, accepted: Bool, diagnostics: [Diagnostic], signer: DocumentSigner?) throws
        -> [UInt8]
    {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<Receipt xmlns=\"\(namespace)\" version=\"1.0\">\n"
        xml += "  <DocumentID>\(escape(context.id))</DocumentID>\n"
        if let type = context.type { xml += "  <DocumentType>\(escape(type))</DocumentType>\n" }
        if !context.sender.isEmpty { xml += "  <Sender>\(escape(context.sender))</Sender>\n" }
        if !context.number.isEmpty { xml += "  <DocumentNumber>\(escape(context.number))</DocumentNumber>\n" }
        xml += "  <Digest algorithm=\"SHA-256\">\(context.digest)</Digest>\n"
        xml += "  <ReceivedAt>\(context.now.formatted(.iso8601))</ReceivedAt>\n"
        xml += "  <Result>\(accepted ? "accepted" : "rejected")</Result>\n"
        if accepted { xml += "  <Status>\(context.status.rawValue)</Status>\n" }
        if context.dryRun { xml += "  <Preview>true</Preview>\n" }
        xml += "  <RuleSet>\(escape(context.ruleSet.version))</RuleSet>\n"
        if !diagnostics.isEmpty {
            xml += "  <Errors>\n"
            for d in diagnostics {
                var attributes = "code=\"\(escape(d.code.rawValue))\""
                if let line = d.line { attributes += " line=\"\(line)\"" }
                if let column = d.column { attributes += " column=\"\(column)\"" }
                if let path = d.path { attributes += " path=\"\(escape(path))\"" }
                xml += "    <Error \(attributes)>\n      <Message>\(escape(d.message))</Message>\n"
                if let rule = RuleCatalogue.rule(d.code) {
                    xml += "      <Text lang=\"kk\">\(escape(rule.kk))</Text>\n"
                    xml += "      <Text lang=\"ru\">\(escape(rule.ru))</Text>\n"
                    xml += "      <Text lang=\"en\">\(escape(rule.en))</Text>\n"
                }
                xml += "    </Error>\n"
            }
            xml += "  </Errors>\n"
        }
        if !context.changes.isEmpty {
            // Changes grouped by their resulting state, the codes as text, one per line: a shipment of 100,000
            // codes is a few elements, not 100,000 (the receipt is parsed again to be signed, and stored).
            xml += "  <Changes count=\"\(context.changes.count)\">\n"
            struct State: Hashable {
                let status: String, owner: String, lockedBy: String?, parent: String?, reason: String?
            }
            var order: [State] = []
            var members: [[Int]] = []
            var groupOf: [State: Int] = [:]
            var current = (state: State?.none, group: 0)
            for (index, code) in context.changes.enumerated() {
                let state = State(
                    status: code.status.rawValue, owner: code.owner, lockedBy: code.lockedBy, parent: code.parent,
                    reason: code.withdrawalReason?.rawValue)
                // Neighbours usually share their state: the table is asked only when it changes.
                if state != current.state {
                    if let group = groupOf[state] {
                        current = (state, group)
                    } else {
                        current = (state, order.count)
                        groupOf[state] = order.count
                        order.append(state)
                        members.append([])
                    }
                }
                members[current.group].append(index)
            }
            for (group, state) in order.enumerated() {
                let codes = members[group].lazy.map { context.changes[$0] }
                var attributes = "status=\"\(state.status)\" owner=\"\(escape(state.owner))\" count=\"\(codes.count)\""
                if let lock = state.lockedBy { attributes += " lockedBy=\"\(escape(lock))\"" }
                if let parent = state.parent { attributes += " parent=\"\(escape(parent))\"" }
                if let reason = state.reason { attributes += " reason=\"\(escape(reason))\"" }
                xml += "    <Group \(attributes)>\n"
                for code in codes {
                    xml += escape(code.id)
                    // A newly issued code travels with its verification tail: an order's receipt is what gets printed.
                    if code.status == .issued, let key = code.keyID, let tail = code.verificationCode {
                        xml += " 91\(escape(key)) 92\(escape(tail))"
                    }
                    xml += "\n"
                }
                xml += "    </Group>\n"
            }
            xml += "  </Changes>\n"
        }
        xml += "</Receipt>\n"
        let bytes = Array(xml.utf8)
        guard let signer else { return bytes }
        // The hub's own text, not a participant's: no size limit beyond memory (an order of a million codes
        // lists them all).
        return try signer.sign(bytes, limits: ParseLimits(maxBytes: Int(Int32.max), maxTextBytes: Int(Int32.max)))
    }

    static func escape(_ text: String) -> String { XMLText.escape(text) }
}
