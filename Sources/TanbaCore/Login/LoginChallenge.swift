public import Foundation
public import TanbaErrors

/// A login challenge as the hub hands it out (`POST /v1/auth/challenge`): the client signs `document` with its
/// certificate (enveloped XMLDSig) before `expiresAt` and posts it back.
public struct LoginChallenge: Codable, Sendable {
    public let nonce: String
    public let expiresAt: Date
    /// The XML to sign and post to /v1/auth/token.
    public let document: String
}

/// A bearer token for a participant, and the person (IIN) whose certificate logged in.
public struct LoginToken: Codable, Sendable {
    public let token: String
    public let participant: String
    public let iin: String?
    public let expiresAt: Date
}

/// No login challenge can be issued now: the most allowed are outstanding. `error` is `SERVICE_BUSY`; the
/// client may ask again after `retryAfter` seconds.
public struct LoginBusy: Error, Sendable {
    public let error: TanbaError
    public let retryAfter: Int
}
