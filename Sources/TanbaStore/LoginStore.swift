public import Foundation

/// A login session as the store keeps it: the participant and person a bearer token stands for, until it expires.
/// The token itself is never stored, only its SHA-256, so a copy of the store logs nobody in.
public struct StoredSession: Sendable, Hashable {
    public let tokenHash: String
    public let participant: String
    public let iin: String?
    public let expiresAt: Date

    public init(tokenHash: String, participant: String, iin: String?, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.participant = participant
        self.iin = iin
        self.expiresAt = expiresAt
    }
}

/// Login challenges and sessions, in the store so that every hub process shares them: a challenge issued by one
/// process is signed and redeemed at another, and a token works on all of them and across restarts.
public protocol LoginReader {
    /// The session for a token's hash, if it exists and has not expired at `now`.
    func session(tokenHash: String, at now: Date) throws -> StoredSession?
}

public protocol LoginWriter: LoginReader {
    func save(_ session: StoredSession) throws
    /// Records a challenge that may be redeemed once before `expiresAt`.
    func saveChallenge(nonce: String, expiresAt: Date) throws
    /// Uses a challenge up, in the store: true exactly once, for one caller, and only before it expires — two
    /// processes redeeming the same signed challenge cannot both succeed.
    func consumeChallenge(nonce: String, at now: Date) throws -> Bool
    /// Forgets challenges and sessions that expired before `now`.
    func purgeExpiredLogins(before now: Date) throws
    /// Moves a live session's expiry to `expiresAt` (a web session's idle deadline, pushed on by use); false when
    /// the session is gone or expired at `now`.
    func extendSession(tokenHash: String, to expiresAt: Date, at now: Date) throws -> Bool
    /// Ends a session (logout): it stops working on every hub process at once.
    func endSession(tokenHash: String) throws
}
