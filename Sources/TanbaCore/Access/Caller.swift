/// Who is asking: the participant a channel authenticated (a login's token, a drop folder's owner) and, when a
/// person's certificate logged in, that person's IIN. Every core operation takes one.
public struct Caller: Sendable, Hashable {
    /// The participant's BIN or IIN.
    public let participant: String
    /// The IIN of the person who logged in, when the certificate named one.
    public let iin: String?

    public init(participant: String, iin: String? = nil) {
        self.participant = participant
        self.iin = iin
    }
}
