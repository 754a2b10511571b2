import TanbaErrors

/// Something that changes one code's status, owner or lock.
public enum CodeOperation: Sendable, Hashable {
    /// Application report: the code was printed on a unit.
    case apply(by: String)
    /// Spoiled before use (damaged label, misprint).
    case cancel(by: String)
    /// Introduction into circulation (local production or import).
    case introduce(by: String)
    /// An accepted accompanying document locks the code while the goods travel.
    case lockForShipment(by: String, document: String)
    /// The buyer accepted: ownership moves, the lock is released.
    case acceptShipment(document: String, buyer: String)
    /// The buyer rejected (or the shipment was cancelled): the lock is released, the owner stays.
    case releaseShipment(document: String)
    case withdraw(by: String, reason: WithdrawalReason)
    /// Back into circulation after a withdrawal whose reason allows it (e.g. a consumer return).
    case returnToCirculation(by: String)
    /// Goods shipped to another EAEU member state come back: a partner system's goods message names them for a
    /// Kazakh receiver, who becomes their owner.
    case reimport(to: String)

    /// The operation's stable name, used in histories and docs/STATES.md.
    public var name: String {
        switch self {
        case .apply: "apply"
        case .cancel: "cancel"
        case .introduce: "introduce"
        case .lockForShipment: "ship"
        case .acceptShipment: "accept"
        case .releaseShipment: "release"
        case .withdraw: "withdraw"
        case .returnToCirculation: "return"
        case .reimport: "reimport"
        }
    }
}

/// The life cycle of a marking code as an explicit state machine. docs/STATES.md is this table.
public enum CodeStateMachine {
    /// What the lock must be for an operation.
    public enum LockRule: String, Sendable, CaseIterable {
        /// The code must not be locked by a pending shipment.
        case unlocked
        /// The code must be locked by exactly the document the operation names.
        case lockedByDocument
    }

    /// One row of the transition table.
    public struct Rule: Sendable {
        public let operation: String
        public let from: [CodeStatus]
        public let to: CodeStatus
        /// Whether the acting participant must own the code.
        public let ownerOnly: Bool
        public let lock: LockRule
        public let effect: String
        /// Who may act, in words (docs/STATES.md).
        public let who: String

        init(
            operation: String, from: [CodeStatus], to: CodeStatus, ownerOnly: Bool, lock: LockRule, effect: String,
            who: String? = nil
        ) {
            self.operation = operation
            self.from = from
            self.to = to
            self.ownerOnly = ownerOnly
            self.lock = lock
            self.effect = effect
            self.who = who ?? (ownerOnly ? "the owner" : "the shipment's parties")
        }
    }

    /// Every allowed transition. Anything else is refused.
    public static let rules: [Rule] = [
        Rule(
            operation: "apply", from: [.issued], to: .applied, ownerOnly: true, lock: .unlocked,
            effect: "printed on a unit"),
        Rule(
            operation: "cancel", from: [.issued, .applied], to: .cancelled, ownerOnly: true, lock: .unlocked,
            effect: "spoiled before use; the serial is never issued again"),
        Rule(
            operation: "introduce", from: [.applied], to: .inCirculation, ownerOnly: true, lock: .unlocked,
            effect: "goods may be traded"),
        Rule(
            operation: "ship", from: [.inCirculation], to: .inCirculation, ownerOnly: true, lock: .unlocked,
            effect: "locked by the accompanying document while in transit"),
        Rule(
            operation: "accept", from: [.inCirculation], to: .inCirculation, ownerOnly: false,
            lock: .lockedByDocument, effect: "owner becomes the buyer; lock released"),
        Rule(
            operation: "release", from: [.inCirculation], to: .inCirculation, ownerOnly: false,
            lock: .lockedByDocument, effect: "lock released; owner unchanged (rejected or cancelled shipment)"),
        Rule(
            operation: "withdraw", from: [.inCirculation], to: .withdrawn, ownerOnly: true, lock: .unlocked,
            effect: "left circulation with a reason"),
        Rule(
            operation: "return", from: [.withdrawn], to: .inCirculation, ownerOnly: true, lock: .unlocked,
            effect: "back into circulation, only after a withdrawal whose reason allows it"),
        Rule(
            operation: "reimport", from: [.withdrawn], to: .inCirculation, ownerOnly: false, lock: .unlocked,
            effect: "back from another EAEU member state, only after an EAEU shipment; owner becomes the receiver",
            who: "a partner state's system (an arrival)"),
    ]

    /// Applies `operation` to `code`, or throws the specific reason it is refused.
    ///
    /// Aggregation rules (a code inside a package is moved with its package) are the caller's: see
    /// `Aggregation.expand`.
    public static func apply(_ operation: CodeOperation, to code: CodeRecord) throws -> CodeRecord {
        let rule = rules.first { $0.operation == operation.name }!
        guard rule.from.contains(code.status) else {
            throw TanbaError(
                .codeStatus,
                "\(code.id): cannot \(rule.operation) a code that is \(code.status.rawValue) "
                    + "(allowed from: \(rule.from.map(\.rawValue).joined(separator: ", ")))", subject: code.id)
        }
        let actor: String? =
            switch operation {
            case .apply(let by), .cancel(let by), .introduce(let by), .lockForShipment(let by, _),
                .withdraw(let by, _), .returnToCirculation(let by):
                by
            case .acceptShipment, .releaseShipment, .reimport: nil
            }
        if rule.ownerOnly, let actor, code.owner != actor {
            throw TanbaError(.codeNotOwner, "\(code.id): belongs to \(code.owner), not to \(actor)", subject: code.id)
        }
        switch rule.lock {
        case .unlocked:
            if let document = code.lockedBy {
                throw TanbaError(
                    .codeLocked, "\(code.id): locked by the pending shipment \(document)", subject: code.id)
            }
        case .lockedByDocument:
            let document: String =
                switch operation {
                case .acceptShipment(let document, _), .releaseShipment(let document): document
                default: ""
                }
            guard code.lockedBy == document else {
                throw TanbaError(
                    .codeNotLocked,
                    "\(code.id): not locked by shipment \(document)"
                        + (code.lockedBy.map { " (locked by \($0))" } ?? " (not locked)"), subject: code.id)
            }
        }
        var next = code
        next.status = rule.to
        switch operation {
        case .apply, .introduce: break
        case .cancel: next.withdrawalReason = nil
        case .lockForShipment(_, let document): next.lockedBy = document
        case .acceptShipment(_, let buyer):
            next.owner = buyer
            next.lockedBy = nil
        case .releaseShipment: next.lockedBy = nil
        case .withdraw(_, let reason): next.withdrawalReason = reason
        case .returnToCirculation:
            guard let reason = code.withdrawalReason, reason.allowsReturn else {
                throw TanbaError(
                    .codeReturnNotAllowed,
                    "\(code.id): withdrawn for \(code.withdrawalReason?.rawValue ?? "no reason"), which allows no return",
                    subject: code.id)
            }
            next.withdrawalReason = nil
        case .reimport(let receiver):
            // Only what left for a member state comes back by a partner's message; goods sold, destroyed or
            // exported outside the EAEU do not return this way.
            guard code.withdrawalReason == .eaeuShipment else {
                throw TanbaError(
                    .codeReturnNotAllowed,
                    "\(code.id): withdrawn for \(code.withdrawalReason?.rawValue ?? "no reason"), not shipped to an "
                        + "EAEU member state, so it cannot come back from one", subject: code.id)
            }
            next.owner = receiver
            next.withdrawalReason = nil
        }
        return next
    }
}
