public import Foundation
import TanbaErrors

/// What a participant does in the circulation of marked goods.
public enum ParticipantRole: String, Sendable, Codable, CaseIterable {
    case producer, importer, wholesaler, retailer, stateBody, `operator`
    /// A fiscal data operator (ОФД): relays cash registers' receipts, with the codes sold and returned, to the hub
    /// (`POST /v1/fiscal/receipts`, signed by the operator).
    case ofd
}

/// A certificate identity allowed to act for a participant: a person (IIN), optionally with an NCA role.
public struct Representative: Sendable, Hashable, Codable {
    /// The person's IIN as in the certificate's `SERIALNUMBER=IIN…`.
    public var iin: String
    /// Their name, for people reading the register.
    public var name: String?

    public init(iin: String, name: String? = nil) {
        self.iin = iin
        self.name = name
    }
}

/// A legal entity's or entrepreneur's status in the state registers (ГБД ЮЛ, the register of entrepreneurs).
public enum RegisterStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active, suspended, liquidated
}

/// What the state register said of a participant, and when the hub asked.
public struct RegisterStanding: Sendable, Hashable, Codable {
    public var status: RegisterStatus
    /// The register's own code and words for the status (its directory), kept as given.
    public var registerCode: String?
    public var checkedAt: Date

    public init(status: RegisterStatus, registerCode: String? = nil, checkedAt: Date) {
        self.status = status
        self.registerCode = registerCode
        self.checkedAt = checkedAt
    }
}

/// An organisation (BIN) or individual entrepreneur (IIN) registered with the hub.
public struct Participant: Sendable, Hashable, Codable {
    /// BIN for organisations, IIN for individual entrepreneurs.
    public let id: String
    public var name: String
    public var isOrganisation: Bool
    public var roles: Set<ParticipantRole>
    /// Product group codes from reference/product-groups.json.
    public var productGroups: Set<String>
    public var representatives: [Representative]
    /// The state register's word on the participant, once the hub has asked it (nil before: a hub without the
    /// registers' gateway, or a participant not looked up yet, is judged by the hub's own register alone).
    public var register: RegisterStanding?

    /// Validates the identifier checksum and that the participant has at least one role.
    /// - Throws: `ID_INVALID`, `PARTICIPANT_INVALID`.
    public init(
        id: String, name: String, isOrganisation: Bool, roles: Set<ParticipantRole>, productGroups: Set<String> = [],
        representatives: [Representative] = []
    ) throws {
        _ = try KazakhIdentifier(id)
        for person in representatives { _ = try KazakhIdentifier(person.iin) }
        guard !roles.isEmpty else { throw TanbaError(.participantInvalid, "\(id): a participant needs a role") }
        guard name.contains(where: { !$0.isWhitespace }) else {
            throw TanbaError(.participantInvalid, "\(id): name is empty")
        }
        self.id = id
        self.name = name
        self.isOrganisation = isOrganisation
        self.roles = roles
        self.productGroups = productGroups
        self.representatives = representatives
    }

    /// The one meaning of "may this signer act for this participant", for logging in and for signing documents
    /// alike. An organisation is represented by a certificate that carries its BIN (NCA issues those to its
    /// people) and, when it lists representatives, whose IIN is among them; an entrepreneur only by their own IIN.
    /// - Throws: `AUTH_NOT_REPRESENTATIVE` saying which condition fails.
    public func checkRepresentative(bin: String?, iin: String?) throws {
        // A participant the state register no longer holds active acts for nobody: no login, no signature.
        if let register, register.status != .active {
            throw TanbaError(
                .authParticipantInactive,
                "\(id) is \(register.status.rawValue) in the state register (checked "
                    + ISO8601DateFormatter().string(from: register.checkedAt) + "): it can no longer log in or sign")
        }
        if isOrganisation {
            guard bin == id else {
                throw TanbaError(
                    .authNotRepresentative,
                    "the signer's certificate is for \(bin.map { "BIN \($0)" } ?? "a person without BIN"), not \(id)")
            }
            if !representatives.isEmpty, !representatives.contains(where: { $0.iin == iin }) {
                throw TanbaError(
                    .authNotRepresentative, "the signer (IIN \(iin ?? "?")) is not registered to act for \(id)")
            }
        } else {
            guard iin == id else {
                throw TanbaError(
                    .authNotRepresentative, "the signer (IIN \(iin ?? "?")) is not the entrepreneur \(id)")
            }
        }
    }

    /// Whether a certificate with `bin` and `iin` may act for this participant (`checkRepresentative`).
    public func allows(bin: String?, iin: String?) -> Bool { (try? checkRepresentative(bin: bin, iin: iin)) != nil }

    /// Whether the participant may order codes (producers and importers put goods into circulation).
    public var mayOrderCodes: Bool { roles.contains(.producer) || roles.contains(.importer) }
}
