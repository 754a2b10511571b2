import Foundation
import TanbaDomain
import TanbaErrors
import TanbaTestSupport
import Testing

/// The life cycle, written out here independently of `CodeStateMachine.rules`: every operation from every
/// status, then owner, lock and return-reason rules.
@Suite struct CodeStateMachineTests {
    static let owner = "050140001238"
    static let stranger = "031240500125"
    static let document = "DOC-1"

    static func code(_ status: CodeStatus, lockedBy: String? = nil, reason: WithdrawalReason? = nil) -> CodeRecord {
        CodeRecord(
            id: "0104870001000011210000000000001", level: .unit, gtin: "04870001000011", status: status, owner: owner,
            emitter: owner, withdrawalReason: reason, lockedBy: lockedBy, issuedAt: Date(timeIntervalSince1970: 0))
    }

    /// Each operation as the owner would do it, with the lock it needs.
    static let operations: [(CodeOperation, String?)] = [
        (.apply(by: owner), nil), (.cancel(by: owner), nil), (.introduce(by: owner), nil),
        (.lockForShipment(by: owner, document: document), nil),
        (.acceptShipment(document: document, buyer: stranger), document),
        (.releaseShipment(document: document), document), (.withdraw(by: owner, reason: .retailSale), nil),
        (.returnToCirculation(by: owner), nil), (.reimport(to: stranger), nil),
    ]

    /// The expected table: which operation is allowed from which status (docs/STATES.md).
    static let allowed: [CodeStatus: Set<String>] = [
        .issued: ["apply", "cancel"],
        .applied: ["cancel", "introduce"],
        .inCirculation: ["ship", "accept", "release", "withdraw"],
        .withdrawn: ["return", "reimport"],
        .cancelled: [],
    ]

    @Test(arguments: CodeStatus.allCases)
    func everyOperationFromEveryStatus(status: CodeStatus) throws {
        for (operation, lock) in Self.operations {
            // Withdrawn for a reason that lets the operation bring it back (a sale returns, a shipment abroad comes back).
            let reason: WithdrawalReason = operation.name == "reimport" ? .eaeuShipment : .retailSale
            let code = Self.code(status, lockedBy: lock, reason: status == .withdrawn ? reason : nil)
            if Self.allowed[status]!.contains(operation.name) {
                let next = try CodeStateMachine.apply(operation, to: code)
                #expect(next.id == code.id)
            } else {
                expectCode(.codeStatus, "\(operation.name) from \(status)") {
                    _ = try CodeStateMachine.apply(operation, to: code)
                }
            }
        }
    }

    @Test func effectsOfEachAllowedTransition() throws {
        #expect(try CodeStateMachine.apply(.apply(by: Self.owner), to: Self.code(.issued)).status == .applied)
        #expect(try CodeStateMachine.apply(.cancel(by: Self.owner), to: Self.code(.applied)).status == .cancelled)
        #expect(
            try CodeStateMachine.apply(.introduce(by: Self.owner), to: Self.code(.applied)).status == .inCirculation)
        let locked = try CodeStateMachine.apply(
            .lockForShipment(by: Self.owner, document: Self.document), to: Self.code(.inCirculation))
        #expect(locked.lockedBy == Self.document && locked.owner == Self.owner)
        let accepted = try CodeStateMachine.apply(
            .acceptShipment(document: Self.document, buyer: Self.stranger), to: locked)
        #expect(accepted.owner == Self.stranger && accepted.lockedBy == nil && accepted.status == .inCirculation)
        let released = try CodeStateMachine.apply(.releaseShipment(document: Self.document), to: locked)
        #expect(released.owner == Self.owner && released.lockedBy == nil)
        let withdrawn = try CodeStateMachine.apply(
            .withdraw(by: Self.owner, reason: .export), to: Self.code(.inCirculation))
        #expect(withdrawn.status == .withdrawn && withdrawn.withdrawalReason == .export)
        let returned = try CodeStateMachine.apply(
            .returnToCirculation(by: Self.owner), to: Self.code(.withdrawn, reason: .retailSale))
        #expect(returned.status == .inCirculation && returned.withdrawalReason == nil)
        let back = try CodeStateMachine.apply(
            .reimport(to: Self.stranger), to: Self.code(.withdrawn, reason: .eaeuShipment))
        #expect(back.status == .inCirculation && back.owner == Self.stranger && back.withdrawalReason == nil)
    }

    /// Failure modes: goods sold, destroyed or exported outside the EAEU coming back by a partner's message, and
    /// goods that went to a member state brought back by the owner's return document instead of the partner's.
    @Test func onlyGoodsShippedToAMemberStateComeBackFromOne() {
        for reason in WithdrawalReason.allCases where reason != .eaeuShipment {
            expectCode(.codeReturnNotAllowed, reason.rawValue) {
                _ = try CodeStateMachine.apply(.reimport(to: Self.stranger), to: Self.code(.withdrawn, reason: reason))
            }
        }
        expectCode(.codeReturnNotAllowed) {
            _ = try CodeStateMachine.apply(
                .returnToCirculation(by: Self.owner), to: Self.code(.withdrawn, reason: .eaeuShipment))
        }
    }

    @Test func onlyTheOwnerActs() {
        let cases: [(CodeOperation, CodeStatus)] = [
            (.apply(by: Self.stranger), .issued), (.cancel(by: Self.stranger), .issued),
            (.introduce(by: Self.stranger), .applied),
            (.lockForShipment(by: Self.stranger, document: "D"), .inCirculation),
            (.withdraw(by: Self.stranger, reason: .retailSale), .inCirculation),
        ]
        for (operation, status) in cases {
            expectCode(.codeNotOwner, operation.name) {
                _ = try CodeStateMachine.apply(operation, to: Self.code(status))
            }
        }
        let withdrawn = Self.code(.withdrawn, reason: .retailSale)
        expectCode(.codeNotOwner) {
            _ = try CodeStateMachine.apply(.returnToCirculation(by: Self.stranger), to: withdrawn)
        }
    }

    @Test func aPendingShipmentLocksTheCode() {
        let locked = Self.code(.inCirculation, lockedBy: "OTHER")
        for operation in [
            CodeOperation.lockForShipment(by: Self.owner, document: Self.document),
            .withdraw(by: Self.owner, reason: .retailSale),
        ] {
            expectCode(.codeLocked, operation.name) { _ = try CodeStateMachine.apply(operation, to: locked) }
        }
        // Accepting or releasing needs the lock of exactly that document.
        for operation in [
            CodeOperation.acceptShipment(document: Self.document, buyer: Self.stranger),
            .releaseShipment(document: Self.document),
        ] {
            expectCode(.codeNotLocked, operation.name) { _ = try CodeStateMachine.apply(operation, to: locked) }
            expectCode(.codeNotLocked, operation.name) {
                _ = try CodeStateMachine.apply(operation, to: Self.code(.inCirculation))
            }
        }
    }

    @Test(arguments: WithdrawalReason.allCases)
    func returnOnlyAfterAReasonThatAllowsIt(reason: WithdrawalReason) throws {
        let code = Self.code(.withdrawn, reason: reason)
        let expected: Set<WithdrawalReason> = [.retailSale, .distanceSale, .loss]
        if expected.contains(reason) {
            #expect(try CodeStateMachine.apply(.returnToCirculation(by: Self.owner), to: code).status == .inCirculation)
        } else {
            expectCode(.codeReturnNotAllowed) {
                _ = try CodeStateMachine.apply(.returnToCirculation(by: Self.owner), to: code)
            }
        }
    }

    @Test func theTableCoversEveryOperation() {
        #expect(Set(CodeStateMachine.rules.map(\.operation)) == Set(Self.operations.map { $0.0.name }))
    }
}
