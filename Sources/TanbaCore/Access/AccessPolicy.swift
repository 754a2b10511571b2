public import TanbaDomain
import TanbaErrors
public import TanbaStore

/// The hub's access rules as one value: who may see which document, which part of a code's history, and who may
/// act for whom. Every channel asks it (through `HubCore`); nothing else decides access. The rules are pure:
/// they judge facts a caller read from the store (`Reader`, records, history) and read nothing themselves.
public struct AccessPolicy: Sendable {
    public init() {}

    /// The facts about the asker the rules need: who it is, and whether it is a state body (which sees all).
    public struct Reader: Sendable, Hashable {
        public let participant: String
        public let isStateBody: Bool

        public init(participant: String, isStateBody: Bool) {
            self.participant = participant
            self.isStateBody = isStateBody
        }

        /// The reader `participant` is, as the store registers it (a participant it does not know has no roles).
        public init(_ participant: String, in tx: any StoreReader) throws {
            self.init(
                participant: participant,
                isStateBody: try tx.participant(participant)?.roles.contains(.stateBody) ?? false)
        }
    }

    // MARK: Documents

    /// An accepted document is seen by its sender, its recipient and state bodies.
    /// - Throws: `AUTH_FORBIDDEN` for anyone else.
    public func checkRead(_ document: DocumentRecord, by reader: Reader) throws {
        let participant = reader.participant
        guard document.sender == participant || document.recipient == participant || reader.isStateBody else {
            throw TanbaError(.authForbidden, "\(document.id) is neither from nor to \(participant)")
        }
    }

    /// A refused document (its receipt and status) is seen by its submitter, the sender it names, and state
    /// bodies.
    /// - Throws: `AUTH_FORBIDDEN` for anyone else.
    public func checkRead(_ rejection: RejectionRecord, by reader: Reader) throws {
        guard rejection.concerns(reader.participant) || reader.isStateBody else {
            throw TanbaError(.authForbidden, "\(rejection.id) was neither submitted by nor names \(reader.participant)")
        }
    }

    // MARK: Codes

    /// How much of a code a reader sees: the current owner and state bodies all of it; a participant that held it
    /// before (it was emitted to it, or the history names it as an owner) its own part; anyone else nothing, so
    /// that a channel can answer exactly as for a code that does not exist and codes cannot be probed.
    public func codeScope(_ code: CodeRecord, history: [CodeEvent], by reader: Reader) -> CodeView.Scope? {
        if code.owner == reader.participant || reader.isStateBody { return .full }
        if code.emitter == reader.participant || history.contains(where: { $0.owner == reader.participant }) {
            return .formerHolder
        }
        return nil
    }

    /// The events of `history` (oldest first) that concern a former holder: those that left it the owner, the one
    /// that took the code from it, and those of `documents`, the documents it sent or received.
    public func part(of history: [CodeEvent], for participant: String, documents: Set<String>) -> [CodeEvent] {
        var previousOwner: String?
        var part: [CodeEvent] = []
        for event in history {
            if event.owner == participant || previousOwner == participant
                || event.document.map(documents.contains) == true
            {
                part.append(event)
            }
            previousOwner = event.owner
        }
        return part
    }

    // MARK: Acting

    /// May a certificate with `bin` and `iin` act for `participant` (log in as it, sign its documents)? The one
    /// meaning is the participant's own (`Participant.checkRepresentative`); the pipeline's authority step asks
    /// the same for each document's signer.
    /// - Throws: `AUTH_NOT_REPRESENTATIVE` saying which condition fails.
    public func checkSigner(bin: String?, iin: String?, actsFor participant: Participant) throws {
        try participant.checkRepresentative(bin: bin, iin: iin)
    }

}
