import Foundation
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaXML

/// Step 2 of the pipeline: may this signer act for this sender with this document type?
enum Authority {
    /// - Throws: `AUTH_SENDER_UNKNOWN`, `AUTH_NOT_REPRESENTATIVE`, `AUTH_ROLE`.
    static func check(
        signer: SignerIdentity, sender: String, type: String, roles: SignerRoles, in tx: any StoreReader
    ) throws {
        guard let participant = try tx.participant(sender) else {
            throw TanbaError(.authSenderUnknown, "\(sender) is not a registered participant")
        }
        // The representative rule has one meaning, the participant's own; login asks the same.
        try participant.checkRepresentative(bin: signer.bin, iin: signer.iin)
        let allowed = roles.allowed[type] ?? []
        let held = Set(signer.roles.map(\.rawValue))
        guard !allowed.isDisjoint(with: held) else {
            throw TanbaError(
                .authRole,
                "a \(type) needs a signer with one of the roles \(allowed.sorted().joined(separator: ", ")); the certificate has \(held.sorted().joined(separator: ", "))"
            )
        }
    }

}

/// The NCA roles that may sign each document type (`signerRoles` in reference/document-types.json), read once
/// when the pipeline starts rather than parsed again for every document.
struct SignerRoles: Sendable {
    let allowed: [String: Set<String>]

    init(allowed: [String: Set<String>]) { self.allowed = allowed }

    init(reference: ReferenceData) throws {
        guard let json = reference.documents["document-types"],
            let object = try JSONSerialization.jsonObject(with: json) as? [String: Any],
            let items = object["items"] as? [[String: Any]]
        else {
            allowed = [:]
            return
        }
        var table: [String: Set<String>] = [:]
        for item in items {
            guard let code = item["code"] as? String else { continue }
            table[code] = Set(item["signerRoles"] as? [String] ?? [])
        }
        allowed = table
    }
}
