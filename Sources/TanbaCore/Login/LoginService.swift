import Crypto
public import Foundation
import TanbaErrors
public import TanbaStore
public import TanbaXML

/// Login by signed challenge, and the sessions it opens, for every channel.
///
/// Challenges and sessions live in the store (`LoginReader`/`LoginWriter`), so that every hub process on it
/// shares them: a challenge issued by one process is redeemed at another, and a token works on all of them and
/// after a restart. The store is the authority (a challenge is used up by one `DELETE`, so two processes cannot
/// both redeem it); this process keeps the sessions it has seen in a bounded cache (`SessionCache`), so a request
/// costs no store read once its token is known here, and its own cap on challenges outstanding (`ChallengeBook`),
/// so strangers cannot make it write without bound.
public final class LoginService: Sendable {
    public static let namespace = "urn:kz:tanba:login:1"
    /// A challenge must be signed within this time; a token lives this long.
    public static let challengeLifetime: TimeInterval = 120
    public static let tokenLifetime: TimeInterval = 15 * 60

    let store: any HubStore
    let verifier: SignatureVerifier
    let policy: AccessPolicy
    let challenges: ChallengeBook
    let cache: SessionCache

    /// - Parameters:
    ///   - challengeCapacity: the most challenges this process has outstanding at once (see `ChallengeBook`).
    ///   - sessionCapacity: the most sessions this process remembers (see `SessionCache`).
    public init(
        store: any HubStore, verifier: SignatureVerifier, policy: AccessPolicy = AccessPolicy(),
        challengeCapacity: Int = 10_000, sessionCapacity: Int = 100_000
    ) {
        self.store = store
        self.verifier = verifier
        self.policy = policy
        challenges = ChallengeBook(lifetime: Self.challengeLifetime, capacity: challengeCapacity)
        cache = SessionCache(capacity: sessionCapacity)
    }

    /// The most challenges outstanding at once in this process.
    public var challengeCapacity: Int { challenges.capacity }

    /// A new challenge to sign.
    /// - Throws: `LoginBusy` (`SERVICE_BUSY`, with the wait) when the most allowed are outstanding.
    public func challenge(now: Date = Date()) throws -> LoginChallenge {
        let nonce = Self.random()
        let expires: Date
        do { expires = try challenges.issue(nonce, now: now) } catch {
            throw LoginBusy(
                error: TanbaError(.serviceBusy, "\(challenges.capacity) login challenges are outstanding"),
                retryAfter: error.retryAfter)
        }
        try store.write { tx in
            try tx.purgeExpiredLogins(before: now)
            try tx.saveChallenge(nonce: nonce, expiresAt: expires)
        }
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <LoginChallenge xmlns="\(Self.namespace)"><Nonce>\(nonce)</Nonce><IssuedAt>\(ISO8601DateFormatter().string(from: now))</IssuedAt></LoginChallenge>

            """
        return LoginChallenge(nonce: nonce, expiresAt: expires, document: document)
    }

    /// Logs in with a signed challenge: the signature is verified, the challenge used up (once, on any process),
    /// and the signer must represent the participant its certificate names (`AccessPolicy.checkSigner`).
    /// - Throws: `AUTH_CHALLENGE`, the signature's codes, `AUTH_SENDER_UNKNOWN`, `AUTH_NOT_REPRESENTATIVE`.
    public func login(signed bytes: [UInt8], now: Date = Date()) throws -> LoginToken {
        try open(try signer(of: bytes, now: now), now: now)
    }

    /// The caller a signed challenge logs in, the challenge used up; no session opened yet (`login` opens an API
    /// session, `openWeb` a browser's).
    /// - Throws: as `login`.
    public func signer(of bytes: [UInt8], now: Date = Date()) throws -> Caller {
        let document = try XMLDocument.parse(bytes, limits: ParseLimits(maxBytes: 64 << 10))
        let root = document.root
        guard root.name == "LoginChallenge", root.namespaceURI == Self.namespace,
            let nonce = root.child(named: "Nonce", namespace: Self.namespace)?.text
        else { throw TanbaError(.authChallenge, "the body is not a Tanba login challenge") }
        let verified = try verifier.verify(document)
        try consume(nonce, now: now)
        let signer = verified.signer
        let candidate = signer.bin ?? signer.iin ?? ""
        guard let participant = try store.read({ try $0.participant(candidate) }) else {
            throw TanbaError(.authSenderUnknown, "\(candidate) is not a registered participant")
        }
        try policy.checkSigner(bin: signer.bin, iin: signer.iin, actsFor: participant)
        return Caller(participant: participant.id, iin: signer.iin)
    }

    /// Uses a challenge up: each works once, on any process, and only before it expires.
    /// - Throws: `AUTH_CHALLENGE` for one unknown, used or expired.
    public func consume(_ nonce: String, now: Date = Date()) throws {
        _ = challenges.consume(nonce, now: now)  // this process's count only; the store decides
        guard try store.write({ try $0.consumeChallenge(nonce: nonce, at: now) }) else {
            throw TanbaError(.authChallenge, "the challenge is unknown, used or expired")
        }
    }

    /// Opens a session for `caller`: a new token, kept in the store by its hash.
    public func open(_ caller: Caller, now: Date = Date()) throws -> LoginToken {
        let token = Self.random()
        let expires = now + Self.tokenLifetime
        try store.write {
            try $0.save(
                StoredSession(
                    tokenHash: Self.hash(token), participant: caller.participant, iin: caller.iin, expiresAt: expires))
        }
        cache.remember(token, .init(caller: caller, expires: expires), now: now)
        return LoginToken(token: token, participant: caller.participant, iin: caller.iin, expiresAt: expires)
    }

    /// The caller a token stands for; nil for a token unknown, expired, or unreadable now.
    public func session(token: String, now: Date = Date()) -> Caller? {
        // A browser's token is no bearer token: its logout must hold on every process at once, which this
        // process's cache could not promise.
        guard !token.contains(".") else { return nil }
        if let cached = cache.lookup(token, now: now) { return cached }
        // A token another process (or this one before a restart) issued: the store knows it.
        guard let stored = try? store.read({ try $0.session(tokenHash: Self.hash(token), at: now) }) else {
            return nil
        }
        let caller = Caller(participant: stored.participant, iin: stored.iin)
        cache.remember(token, .init(caller: caller, expires: stored.expiresAt), now: now)
        return caller
    }

    /// The caller a bearer token stands for.
    /// - Throws: `AUTH_REQUIRED` for no token, or one unknown or expired.
    public func authenticate(token: String?, now: Date = Date()) throws -> Caller {
        guard let token, let caller = session(token: token, now: now) else {
            throw TanbaError(.authRequired, "a valid bearer token is required: log in with your certificate")
        }
        return caller
    }

    // MARK: Browser sessions

    /// A browser's session ends after this long without a request, and after `webAbsoluteLifetime` in any case.
    public static let webIdleLifetime: TimeInterval = 30 * 60
    public static let webAbsoluteLifetime: TimeInterval = 8 * 60 * 60

    /// Opens a browser's session for `caller`. Its token (the cookie's value) carries its absolute deadline after a
    /// dot; the store keeps the hash of the whole token, so the deadline cannot be changed without making the token
    /// unknown. The store's expiry is the idle deadline, pushed on by use (`webSession`).
    public func openWeb(_ caller: Caller, now: Date = Date()) throws -> LoginToken {
        let deadline = (now + Self.webAbsoluteLifetime).timeIntervalSince1970.rounded(.down)
        let token = Self.random() + "." + String(Int(deadline))
        let expires = now + Self.webIdleLifetime
        try store.write {
            try $0.save(
                StoredSession(
                    tokenHash: Self.hash(token), participant: caller.participant, iin: caller.iin, expiresAt: expires))
        }
        return LoginToken(token: token, participant: caller.participant, iin: caller.iin, expiresAt: expires)
    }

    /// The caller a browser's session token stands for, read from the store on every request (a logout on any
    /// process holds at once); its idle deadline is pushed on when a minute of it has been used, so a page view
    /// costs a write at most once a minute. Nil for a token unknown, idle too long, past its absolute deadline,
    /// or not a browser's.
    public func webSession(token: String, now: Date = Date()) -> Caller? {
        let parts = token.split(separator: ".")
        guard parts.count == 2, let deadline = TimeInterval(parts[1]), now.timeIntervalSince1970 < deadline else {
            return nil
        }
        let hash = Self.hash(token)
        guard let stored = try? store.read({ try $0.session(tokenHash: hash, at: now) }) else { return nil }
        let idle = min(now + Self.webIdleLifetime, Date(timeIntervalSince1970: deadline))
        if idle.timeIntervalSince(stored.expiresAt) >= 60 {
            _ = try? store.write { try $0.extendSession(tokenHash: hash, to: idle, at: now) }
        }
        return Caller(participant: stored.participant, iin: stored.iin)
    }

    /// Ends a browser's session (logout), on every hub process.
    public func logout(token: String) throws {
        try store.write { try $0.endSession(tokenHash: Self.hash(token)) }
    }

    /// The form token a browser's session posts with each form (CSRF): derived from the session's token, which
    /// only the session's own pages know (the cookie is HttpOnly and another site cannot read the pages).
    public static func formToken(for token: String) -> String {
        base64url(SHA256.hash(data: Data(("tanba-form|" + token).utf8)))
    }

    /// Sessions this process remembers now (at most the capacity it was given).
    public var cachedSessions: Int { cache.count }

    /// What the store keeps of a token: its SHA-256, in hex.
    static func hash(_ token: String) -> String { Hex.encode(SHA256.hash(data: Data(token.utf8))) }

    /// 256 random bits in URL-safe base64: tokens, nonces and form tokens.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return base64url((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func base64url(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
