public import Foundation
public import TanbaDomain
import TanbaErrors
import TanbaStore
public import TanbaXML

/// Registration by signature: an organisation's first head (or an entrepreneur) signs a request naming the roles
/// and product groups it chooses; the hub takes the BIN or IIN, the name and the person from the certificate, never
/// from the form. The head then adds employees' certificates as representatives, each addition signed by a head.
///
/// A request carries a nonce from the login challenges (`LoginService`): each is used once, on any hub process, so
/// a signed request cannot be replayed.
extension HubCore {
    static let registrationNamespace = "urn:kz:tanba:registration:1"
    /// The roles a participant may choose for itself; state bodies and operators are registered by the operator.
    public static let selfRegisteredRoles: [ParticipantRole] = [.producer, .importer, .wholesaler, .retailer]

    /// The request to sign for registering with `roles` and product `groups`.
    /// - Throws: `PARTICIPANT_INVALID` for a role that is not self-registered, none at all, or an unknown group;
    ///   `SERVICE_BUSY` as a login challenge.
    public func registrationRequest(roles: [String], groups: [String], now: Date = Date()) throws -> String {
        let roles = try Self.chosenRoles(roles)
        for group in groups where reference.productGroups.item(group) == nil {
            throw TanbaError(.participantInvalid, "'\(group)' is not a product group of the reference data")
        }
        let nonce = try beginLogin(now: now).nonce
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <Registration xmlns="\(Self.registrationNamespace)"><Nonce>\(nonce)</Nonce><IssuedAt>\(ISO8601DateFormatter().string(from: now))</IssuedAt><Roles>\(roles.map { "<Role>\($0.rawValue)</Role>" }.joined())</Roles><ProductGroups>\(groups.sorted().map { "<Group>\($0)</Group>" }.joined())</ProductGroups></Registration>

            """
    }

    static func chosenRoles(_ texts: [String]) throws -> [ParticipantRole] {
        let roles = try texts.map { text -> ParticipantRole in
            guard let role = ParticipantRole(rawValue: text), selfRegisteredRoles.contains(role) else {
                throw TanbaError(.participantInvalid, "'\(text)' is not a role a participant registers itself with")
            }
            return role
        }
        guard !roles.isEmpty else { throw TanbaError(.participantInvalid, "choose at least one role") }
        return Array(Set(roles)).sorted { $0.rawValue < $1.rawValue }
    }

    /// Registers the signer of a registration request: an organisation by its first head's certificate (BIN,
    /// organisation and person from the certificate; the head is its first representative), or an entrepreneur by
    /// their own. The request is used once.
    /// - Throws: the signature's and certificate's codes (an authentication-only key is `CERT_KEY_PURPOSE`, a
    ///   revoked certificate `CERT_REVOKED`), `AUTH_CHALLENGE` for a request used or expired,
    ///   `REGISTRATION_NOT_HEAD`, `REGISTRATION_EXISTS`, `PARTICIPANT_INVALID`.
    public func register(signed bytes: [UInt8], now: Date = Date()) throws -> Participant {
        let (root, signer) = try verifiedRequest(bytes, named: "Registration", now: now)
        let ns = Self.registrationNamespace
        let roles = try Self.chosenRoles(
            root.child(named: "Roles", namespace: ns)?.children(named: "Role", namespace: ns).map(\.text) ?? [])
        let groups = Set(
            root.child(named: "ProductGroups", namespace: ns)?.children(named: "Group", namespace: ns).map(\.text) ?? []
        )
        for group in groups where reference.productGroups.item(group) == nil {
            throw TanbaError(.participantInvalid, "'\(group)' is not a product group of the reference data")
        }
        let participant: Participant
        if let bin = signer.bin {
            guard signer.roles.contains(.firstHead), let iin = signer.iin else {
                throw TanbaError(
                    .registrationNotHead, "the certificate is for BIN \(bin) but not its first head: ask the head")
            }
            participant = try Participant(
                id: bin, name: signer.organization ?? signer.commonName ?? bin, isOrganisation: true,
                roles: Set(roles), productGroups: groups,
                representatives: [Representative(iin: iin, name: signer.commonName)])
        } else if let iin = signer.iin {
            participant = try Participant(
                id: iin, name: signer.commonName ?? iin, isOrganisation: false, roles: Set(roles),
                productGroups: groups)
        } else {
            throw TanbaError(.registrationNotHead, "the certificate names neither a BIN nor an IIN")
        }
        // Checked against the registers' copy in the transaction that registers: an import landing meanwhile is
        // seen by one or the other, never half.
        var registered = participant
        guard
            try store.write({ tx in
                registered.register = try RegisterCopy.check(participant.id, in: tx, at: now)
                return try tx.register(registered)
            })
        else {
            throw TanbaError(.registrationExists, "\(participant.id) is registered already")
        }
        return registered
    }

    /// The request a head signs to add the person of `certificate` (PEM or DER) as a representative of `caller`'s
    /// organisation, and who that person is.
    /// - Throws: `CERT_MALFORMED`; `REGISTRATION_NOT_HEAD` for a certificate of another organisation or without an
    ///   IIN; `PARTICIPANT_INVALID` for an entrepreneur (who acts alone).
    public func representativeRequest(certificate bytes: [UInt8], as caller: Caller, now: Date = Date()) throws
        -> (request: String, person: SignerIdentity)
    {
        let organisation = try participant(caller.participant)
        guard organisation.isOrganisation else {
            throw TanbaError(.participantInvalid, "an entrepreneur acts alone and has no representatives")
        }
        guard let certificate = try Certificate.load(bytes).first else {
            throw TanbaError(.certMalformed, "no certificate in the file")
        }
        let person = SignerIdentity(certificate: certificate)
        guard person.bin == organisation.id, let iin = person.iin else {
            throw TanbaError(
                .registrationNotHead,
                "the certificate is for \(person.bin.map { "BIN \($0)" } ?? "a person without BIN"), not \(organisation.id)"
            )
        }
        let nonce = try beginLogin(now: now).nonce
        let name = DocumentDrafts.escape(person.commonName ?? "")
        let request = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Representative xmlns="\(Self.registrationNamespace)"><Nonce>\(nonce)</Nonce><Participant>\(organisation.id)</Participant><IIN>\(iin)</IIN><Name>\(name)</Name></Representative>

            """
        return (request, person)
    }

    /// Adds the representative a signed request names, when its signer is the organisation's first head.
    /// - Throws: the signature's codes, `AUTH_CHALLENGE`, `REGISTRATION_NOT_HEAD`.
    public func addRepresentative(signed bytes: [UInt8], as caller: Caller, now: Date = Date()) throws -> Participant {
        let (root, signer) = try verifiedRequest(bytes, named: "Representative", now: now)
        let ns = Self.registrationNamespace
        guard root.child(named: "Participant", namespace: ns)?.text == caller.participant,
            signer.bin == caller.participant, signer.roles.contains(.firstHead)
        else {
            throw TanbaError(.registrationNotHead, "only the first head of \(caller.participant) adds representatives")
        }
        let iin = root.child(named: "IIN", namespace: ns)?.text ?? ""
        let name = root.child(named: "Name", namespace: ns)?.text
        return try store.write { tx in
            guard var organisation = try tx.participant(caller.participant) else {
                throw TanbaError(.participantUnknown, "\(caller.participant) is not registered")
            }
            if !organisation.representatives.contains(where: { $0.iin == iin }) {
                _ = try KazakhIdentifier(iin)
                organisation.representatives.append(Representative(iin: iin, name: name))
                try tx.save(organisation)
            }
            return organisation
        }
    }

    /// A signed request of this namespace: parsed safely, its signature verified (a signing key: NCA's
    /// authentication keys do not register), its nonce used up.
    func verifiedRequest(_ bytes: [UInt8], named name: String, now: Date) throws -> (XMLElement, SignerIdentity) {
        let document = try XMLDocument.parse(bytes, limits: ParseLimits(maxBytes: 64 << 10))
        let root = document.root
        guard root.name == name, root.namespaceURI == Self.registrationNamespace,
            let nonce = root.child(named: "Nonce", namespace: Self.registrationNamespace)?.text
        else { throw TanbaError(.authChallenge, "the file is not a signed \(name) request of this hub") }
        let verified = try pipeline.verifier.verify(document, at: now)
        try login.consume(nonce, now: now)
        return (root, verified.signer)
    }
}
