public import Foundation
public import TanbaDomain
import TanbaErrors
public import TanbaPipeline
public import TanbaStore
public import TanbaXML

/// What a channel does with the hub, independent of the channel: log in, submit and read documents, list an
/// inbox or outbox, look up a code, read reference data. HTTP, the drop folders and the command line call these
/// operations; each takes the caller's identity (`Caller`) where it acts for a participant, asks the access
/// policy (`AccessPolicy`), and answers with view models (`Views/`) or throws a `TanbaError` with a stable code.
///
/// A request flows channel → `HubCore` → pipeline (documents) or store (reads); see docs/ARCHITECTURE.md.
public struct HubCore: Sendable {
    public let pipeline: DocumentPipeline
    public let login: LoginService
    public let policy: AccessPolicy
    /// Public checks of codes, with their caches.
    public let checker: PublicChecker
    /// The journal of public checks and the signals raised from it.
    public let journal: CheckJournal

    /// - Parameters:
    ///   - verifier: checks login signatures (its trust store and algorithms, with authentication keys accepted
    ///     too); the pipeline's by default.
    ///   - challengeCapacity: the most login challenges this process has outstanding at once.
    ///   - sessionCapacity: the most sessions this process remembers between store reads.
    public init(
        pipeline: DocumentPipeline, verifier: SignatureVerifier? = nil, policy: AccessPolicy = AccessPolicy(),
        challengeCapacity: Int = 10_000, sessionCapacity: Int = 100_000
    ) {
        self.pipeline = pipeline
        self.policy = policy
        checker = PublicChecker(store: pipeline.store, reference: pipeline.reference)
        journal = CheckJournal(store: pipeline.store)
        // Kazakh portals log in with NCA's authentication key: a login accepts it beside a signing key. Documents
        // and registrations (signed acts) still need a signing key (`pipeline.verifier`).
        let documents = verifier ?? pipeline.verifier
        // The same trust anchor: a CRL refresh reaches logins and documents at once.
        let logins = SignatureVerifier(
            trust: documents.trust, suite: documents.suite,
            keyPurposes: documents.keyPurposes.union([.authentication]))
        login = LoginService(
            store: pipeline.store, verifier: logins, policy: policy,
            challengeCapacity: challengeCapacity, sessionCapacity: sessionCapacity)
    }

    public var store: any HubStore { pipeline.store }
    public var reference: ReferenceData { pipeline.reference }

    // MARK: Login

    /// A login challenge to sign (`LoginService.challenge`).
    public func beginLogin(now: Date = Date()) throws -> LoginChallenge { try login.challenge(now: now) }

    /// A session for the signer of a challenge (`LoginService.login`).
    public func finishLogin(signed bytes: [UInt8], now: Date = Date()) throws -> LoginToken {
        try login.login(signed: bytes, now: now)
    }

    /// The caller a bearer token stands for.
    /// - Throws: `AUTH_REQUIRED`.
    public func authenticate(token: String?, now: Date = Date()) throws -> Caller {
        try login.authenticate(token: token, now: now)
    }

    // MARK: Documents

    /// Decides a document `caller` submits: it may submit only its own (the pipeline refuses another's with
    /// `AUTH_FORBIDDEN` in a signed receipt). The audit entry, with `outcome` as its result, commits with the
    /// decision. Refusals are answers, not throws.
    public func submit(
        _ bytes: [UInt8], as caller: Caller, via channel: ChannelOrigin, now: Date = Date(),
        outcome: @escaping @Sendable (Decision) -> String = { $0.outcome }
    ) throws -> SubmitResult {
        let decision = try pipeline.submit(bytes, now: now, submitter: caller.participant) { decision in
            Audit.Event(
                iin: caller.iin, participant: caller.participant, address: channel.address, channel: channel.name,
                action: "submit", object: decision.documentID, result: outcome(decision))
        }
        return SubmitResult(decision)
    }

    /// What a document `caller` prepared would do once signed (`DocumentPipeline.preview`): every check but the
    /// signature's, nothing written. Only the caller's own documents are previewed (`AUTH_FORBIDDEN` otherwise).
    public func preview(_ bytes: [UInt8], as caller: Caller, now: Date = Date()) throws -> SubmitResult {
        SubmitResult(try pipeline.preview(bytes, submitter: caller.participant, now: now))
    }

    /// Document `id` as `caller` may see it (`AccessPolicy.checkRead`).
    /// - Throws: `NOT_FOUND`, `AUTH_FORBIDDEN`.
    public func document(_ id: String, as caller: Caller) throws -> VisibleDocument {
        try store.read { tx in
            let reader = try AccessPolicy.Reader(caller.participant, in: tx)
            if let document = try tx.document(id: id) {
                try policy.checkRead(document, by: reader)
                return .document(document)
            }
            guard let rejection = try tx.rejection(id: id) else { throw TanbaError(.notFound, "no document \(id)") }
            try policy.checkRead(rejection, by: reader)
            return .rejection(rejection)
        }
    }

    /// One page of `caller`'s inbox or outbox, filtered by name=value parameters (`DocumentQuery`).
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming a parameter (as `naming` spells it).
    public func list(
        _ box: DocumentQuery.Box, _ parameters: some Sequence<(String, String)>, as caller: Caller,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> DocumentSummaryPage {
        let filter = try DocumentQuery.filter(
            parameters, box: box, participant: caller.participant, reference: reference, naming: naming)
        return DocumentSummaryPage(try store.read { try $0.documentPage(filter) })
    }

    // MARK: Codes

    /// The identity (`01…21…`, or `00` + SSCC) of a code as scanned or typed (`CodeLookup`).
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming `parameter`, followed by the GS1 codes saying why.
    public func codeIdentity(_ text: String, parameter: String) throws -> String {
        do {
            return try store.read { try CodeLookup.parse(text, reference: reference, in: $0) }.identification
        } catch let error as TanbaError {
            throw TanbaError(
                diagnostics: [
                    Diagnostic(
                        .requestParameterInvalid, "\(parameter) is not a marking code or an SSCC: \(error.message)")
                ] + error.diagnostics)
        }
    }

    /// Code `id` as `caller` may see it (`AccessPolicy.codeScope`): someone else's code and one that does not
    /// exist get the same answer.
    /// - Throws: `NOT_FOUND`.
    public func code(_ id: String, as caller: Caller) throws -> CodeView {
        let participant = caller.participant
        let found = try store.read { tx -> CodeView? in
            guard let code = try tx.code(id) else { return nil }
            let history = try tx.events(of: id)
            switch policy.codeScope(code, history: history, by: try AccessPolicy.Reader(participant, in: tx)) {
            case .full?:
                return CodeView(
                    scope: .full, code: code, history: history, contents: try tx.children(of: [id]).map(\.id))
            case .formerHolder?:
                let mine = try Set(history.compactMap(\.document)).filter { document in
                    guard let record = try tx.document(id: document) else { return false }
                    return record.sender == participant || record.recipient == participant
                }
                return CodeView(
                    scope: .formerHolder, code: code,
                    history: policy.part(of: history, for: participant, documents: mine), contents: [])
            case nil: return nil
            }
        }
        guard let found else { throw TanbaError(.notFound, "no code \(id)") }
        return found
    }

    /// What `caller` holds: its codes counted by GTIN (nil for packages), packaging level and status, GTINs in
    /// order.
    public func stock(as caller: Caller) throws -> [StockCount] {
        try store.read { try $0.stock(owner: caller.participant) }.sorted {
            ($0.gtin ?? "", $0.level.rawValue, $0.status.rawValue) < (
                $1.gtin ?? "", $1.level.rawValue, $1.status.rawValue
            )
        }
    }

    /// One page of `caller`'s own codes in id order after `after`, of one GTIN, level and status when given; `next` is the
    /// last id when more may follow.
    public func ownedCodes(
        as caller: Caller, gtin: String?, level: PackagingLevel? = nil, status: CodeStatus?, after: String?,
        limit: Int = 100
    ) throws -> (codes: [CodeRecord], next: String?) {
        let limit = max(1, min(limit, 1000))
        let codes = try store.read {
            try $0.ownedCodes(
                owner: caller.participant, gtin: gtin, level: level, status: status, after: after, limit: limit)
        }
        return (codes, codes.count == limit ? codes.last?.id : nil)
    }

    // MARK: Reference data

    /// The reference lists the hub holds, by name. Any logged-in caller may read them.
    public func referenceLists(as caller: Caller) -> [ReferenceSummary] {
        reference.lists.values.sorted { $0.name < $1.name }.map(ReferenceSummary.init)
    }

    /// Reference list `name` and its JSON as the hub loaded it, byte for byte; with `at` (a `YYYY-MM-DD` day),
    /// the version in force on that day. The hub holds one version of each list (the newest it was given), so a
    /// day before that version's `validFrom` has no version here and is refused rather than answered wrongly.
    /// - Throws: `NOT_FOUND`.
    public func referenceList(_ name: String, at day: String?, as caller: Caller) throws -> (
        list: ReferenceList, json: Data
    ) {
        guard let list = reference.lists[name], let json = reference.documents[name] else {
            throw TanbaError(
                .notFound, "no reference list '\(name)' (\(reference.lists.keys.sorted().joined(separator: ", ")))")
        }
        if let day, day < list.validFrom {
            throw TanbaError(
                .notFound,
                "no version of '\(name)' in force on \(day): the hub holds version \(list.version), valid from "
                    + "\(list.validFrom)")
        }
        return (list, json)
    }

    /// The product card of a GTIN given as text.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming `parameter` for text that is no GTIN, `NOT_FOUND`.
    public func product(_ text: String, parameter: String, as caller: Caller) throws -> ProductCard {
        let gtin: String
        do { gtin = try GTIN(text).value } catch let error as TanbaError {
            throw TanbaError(.requestParameterInvalid, "\(parameter) is not a GTIN: \(error.message)")
        }
        guard let card = try store.read({ try $0.product(gtin) }) else {
            throw TanbaError(.notFound, "no product card for GTIN \(gtin) in the catalogue")
        }
        return card
    }
}
