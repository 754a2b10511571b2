public import Foundation

/// Everything the hub knows about one marking code or transport package, as a value.
public struct CodeRecord: Sendable, Hashable, Codable {
    /// The code's identity: the identification part `01…21…` of a marking code, or `00` + SSCC.
    public let id: String
    public let level: PackagingLevel
    /// The product (GTIN-14); nil for transport packages.
    public let gtin: String?
    public var status: CodeStatus
    /// The current owner's BIN or IIN.
    public var owner: String
    /// The participant the code was emitted to.
    public let emitter: String
    public var withdrawalReason: WithdrawalReason?
    /// The document holding the code while a shipment is pending.
    public var lockedBy: String?
    /// The package this code is inside, if any.
    public var parent: String?
    /// The emission key that made the verification code: AI 91 where the group's format carries it, else kept
    /// here only.
    public let keyID: String?
    /// The verification code of GTIN + serial: AI 92, or AI 93 in the groups with the short tail.
    public let verificationCode: String?
    public let issuedAt: Date

    public init(
        id: String, level: PackagingLevel, gtin: String?, status: CodeStatus, owner: String, emitter: String,
        withdrawalReason: WithdrawalReason? = nil, lockedBy: String? = nil, parent: String? = nil,
        keyID: String? = nil, verificationCode: String? = nil, issuedAt: Date
    ) {
        self.id = id
        self.level = level
        self.gtin = gtin
        self.status = status
        self.owner = owner
        self.emitter = emitter
        self.withdrawalReason = withdrawalReason
        self.lockedBy = lockedBy
        self.parent = parent
        self.keyID = keyID
        self.verificationCode = verificationCode
        self.issuedAt = issuedAt
    }
}

/// One entry of a code's history: what changed, who owned it afterwards, through which document.
public struct CodeEvent: Sendable, Hashable, Codable {
    public let codeID: String
    public let at: Date
    public let operation: String
    public let status: CodeStatus
    public let owner: String
    /// The document that caused it (an order number, a document id); nil for operator actions.
    public let document: String?

    public init(codeID: String, at: Date, operation: String, status: CodeStatus, owner: String, document: String?) {
        self.codeID = codeID
        self.at = at
        self.operation = operation
        self.status = status
        self.owner = owner
        self.document = document
    }
}
