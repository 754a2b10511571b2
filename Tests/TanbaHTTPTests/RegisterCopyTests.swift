import Foundation
import NIOCore
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// The hub's copy of the state registers, and registrations checked against it. Failure modes: a BIN the
/// registers do not know, or a liquidated one, registering; an import half applied; a standing changed without
/// an audit entry.
@Suite struct RegisterCopyTests {
    static let seller = HTTPTests.seller

    static func dump(_ subjects: [String: String]) -> [UInt8] {
        let object = subjects.mapValues { ["status": $0, "name": "Subject"] }
        return Array(try! JSONSerialization.data(withJSONObject: object, options: .sortedKeys))
    }

    @Test(arguments: TestBackend.available) func registrationsAreCheckedAgainstTheRegistersCopy(_ backend: TestBackend)
        throws
    {
        let hub = try HTTPTests.hub(backend, registered: false)
        let core = hub.api.core
        func request() throws -> [UInt8] {
            Array(
                buffer: try HTTPTests.signed(
                    try core.registrationRequest(roles: ["retailer"], groups: []), by: .companyHead))
        }
        func load(_ subjects: [String: String]) throws -> RegisterCopy.Report {
            let now = Date()
            let entries = try RegisterCopy.parse(Self.dump(subjects), at: now)
            return try hub.store.write { try RegisterCopy.save(entries, in: $0, at: now, audit: "cli", address: nil) }
        }
        // The registers know two others, not the company registering.
        let first = try load(["031240500125": "ACTIVE", "850315300128": "LIQUIDATED"])
        #expect(first.read == 2 && first.saved == 2 && first.participants.isEmpty)
        #expect(try load(["031240500125": "ACTIVE"]).saved == 0, "an unchanged subject is saved again")
        #expect(throws: TanbaError.self) { try core.register(signed: try request()) }
        do { _ = try core.register(signed: try request()) } catch let error as TanbaError {
            #expect(error.code == .registrationNotInRegister)
        }
        // Liquidated there: refused too.
        #expect(try load([Self.seller: "LIQUIDATED"]).saved == 1)
        do { _ = try core.register(signed: try request()) } catch let error as TanbaError {
            #expect(error.code == .authParticipantInactive)
        }
        #expect(try hub.store.read { try $0.participants() }.isEmpty, "a refused registration left a participant")
        // Active: registered, with the register's standing.
        _ = try load([Self.seller: "ACTIVE"])
        let registered = try core.register(signed: try request())
        #expect(registered.register?.status == .active && registered.register?.registerCode == "ACTIVE")
        // Liquidated later: the next import changes its standing, audited.
        let audit = try hub.store.read { try $0.lastAudit()?.seq } ?? 0
        let later = try load([Self.seller: "LIQUIDATED"])
        #expect(later.participants == ["\(Self.seller): active → liquidated"])
        #expect(try hub.store.read { try $0.participant(Self.seller) }?.register?.status == .liquidated)
        let entries = try hub.store.read { try $0.audit(after: audit, limit: 10) }
        #expect(entries.map(\.action) == ["register-status"] && entries.first?.object == Self.seller)
    }

    @Test func aDumpWithOneBadSubjectIsRefusedWhole() {
        let bad: [(String, [UInt8])] = [
            ("not JSON", Array("BIN;STATUS".utf8)),
            ("a BIN with a wrong check digit", Self.dump(["031240500125": "ACTIVE", "050140001239": "ACTIVE"])),
            ("a status not in the directory", Self.dump(["031240500125": "ACTIVE", Self.seller: "DORMANT"])),
        ]
        for (name, bytes) in bad {
            #expect(throws: TanbaError.self, "\(name)") { try RegisterCopy.parse(bytes, at: Date()) }
            do { _ = try RegisterCopy.parse(bytes, at: Date()) } catch let error as TanbaError {
                #expect(error.code == .registerAnswerInvalid, "\(name)")
            } catch { Issue.record("\(name): \(error)") }
        }
    }
}
