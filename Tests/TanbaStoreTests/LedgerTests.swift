import Foundation
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaPostgres
import TanbaSQLite
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// The store (SQLite and PostgreSQL) through the ledger: atomic operations, packages moving their contents, history.
@Suite struct LedgerTests {
    static let producer = "050140001238"
    static let buyer = "031240500125"
    static let gtin = "04870001000011"
    static let emitter = CodeEmitter(key: EmissionKey.generate())

    let store: any HubStore
    let ledger: Ledger

    /// A new, empty store on `backend`.
    init(_ backend: TestBackend) throws {
        store = try backend.makeStore()
        ledger = Ledger(store: store)
    }

    /// `count` codes issued, applied and introduced into circulation.
    func circulating(_ count: Int) throws -> [String] {
        let codes = try Self.emitter.issue(gtin: Self.gtin, count: count, owner: Self.producer, at: Date())
        try ledger.issue(codes, order: "ORDER-1")
        let ids = codes.map(\.id)
        _ = try ledger.perform(.apply(by: Self.producer), on: ids, document: "APP-1", at: Date())
        _ = try ledger.perform(.introduce(by: Self.producer), on: ids, document: "INTRO-1", at: Date())
        return ids
    }

    func code(_ id: String) throws -> CodeRecord { try #require(try store.read { try $0.code(id) }) }

    @Test static func theSQLiteStoreIsMigratedAndInWALMode() throws {
        let store = try #require(try TestBackend.sqlite.makeStore() as? SQLiteStore)
        #expect(try store.appliedMigrations().count == 22)
        #expect(try store.journalMode() == "wal")
    }

    /// Every connection commits synchronously (a receipt is given only for what survives a crash), even on a
    /// server whose default is off; the location a message may show has no password.
    @Test(.blocking, .enabled(if: TestBackend.server != nil))
    static func thePostgresStoreCommitsSynchronouslyAndItsLocationNamesNoPassword() throws {
        let url = try TestBackend.postgres.makeLocation()
        var components = try #require(URLComponents(string: url))
        let database = components.path
        #expect(try PostgresStore(url: url).setting("lock_timeout") == "30s")
        // The database's own default turned off: the store's connections still set it on.
        let admin = try #require(TestBackend.server)
        let off = try runProcess(
            "/usr/bin/psql", [admin, "-Atc", "ALTER DATABASE \(database.dropFirst()) SET synchronous_commit = off"])
        #expect(off.status == 0, "\(off.error)")
        components.password = "hunter2-x9"
        let store = try PostgresStore(url: try #require(components.string))
        #expect(try store.setting("synchronous_commit") == "on")
        #expect(!store.location.contains("hunter2-x9") && store.location.hasPrefix("postgres://tanba@"))
        #expect(store.location.hasSuffix(database))
    }

    @Test(.enabled(if: TestBackend.server != nil))
    static func thePostgresStoreIsMigratedOnceByTwoStoresOpeningAtOnce() async throws {
        let url = try TestBackend.postgres.makeLocation()
        // Two stores migrating one new database at once: the advisory lock lets one apply the ten migrations and
        // the other find them applied.
        async let first = Task.detached { try PostgresStore(url: url).appliedMigrations() }.value
        async let second = Task.detached { try PostgresStore(url: url).appliedMigrations() }.value
        let (a, b) = try await (first, second)
        #expect(a.count == 22 && a == b)
        #expect(a.first?.hasPrefix("v1:") == true && a.last?.hasPrefix("v22:") == true)
    }

    @Test(arguments: TestBackend.available) static func aCodeIsNeverIssuedTwiceAndARefusedIssueLeavesNoTrace(
        _ backend: TestBackend
    ) throws {
        try Self(backend).aCodeIsNeverIssuedTwiceAndARefusedIssueLeavesNoTrace()
    }

    func aCodeIsNeverIssuedTwiceAndARefusedIssueLeavesNoTrace() throws {
        let ids = try circulating(3)
        let before = try store.contentFingerprint()
        let again = try store.read { try $0.code(ids[0]) }!
        var withdrawn = again
        withdrawn.status = .issued
        let fresh = try Self.emitter.issue(gtin: Self.gtin, count: 2, owner: Self.producer, at: Date())
        // Two new codes and one that exists: nothing of the three is written.
        expectCode(.codeDuplicate) { try ledger.issue(fresh + [withdrawn], order: "ORDER-2") }
        #expect(try store.contentFingerprint() == before)
        #expect(try store.read { try $0.codes(fresh.map(\.id)) }.isEmpty)
    }

    @Test(arguments: TestBackend.available) static func aRefusedOperationChangesNothingAndListsEveryProblem(
        _ backend: TestBackend
    ) throws {
        try Self(backend).aRefusedOperationChangesNothingAndListsEveryProblem()
    }

    func aRefusedOperationChangesNothingAndListsEveryProblem() throws {
        let ids = try circulating(3)
        _ = try ledger.perform(.withdraw(by: Self.producer, reason: .damage), on: [ids[0]], document: "W-1", at: Date())
        let before = try store.contentFingerprint()
        let error = expectCode(.codeNotFound) {
            _ = try ledger.perform(
                .lockForShipment(by: Self.producer, document: "SHIP-1"),
                on: ["0104870001000011219999", ids[0], ids[1]],
                document: "SHIP-1", at: Date())
        }
        #expect(error?.diagnostics.map(\.code) == [.codeNotFound, .codeStatus])
        #expect(try store.contentFingerprint() == before)
        #expect(try code(ids[1]).lockedBy == nil)
    }

    @Test(arguments: TestBackend.available) static func shippingAPalletMovesEverythingInside(_ backend: TestBackend)
        throws
    {
        try Self(backend).shippingAPalletMovesEverythingInside()
    }

    func shippingAPalletMovesEverythingInside() throws {
        let ids = try circulating(6)
        let pallet = "00148700010000000018"
        try ledger.aggregate(Array(ids[0..<4]), into: pallet, by: Self.producer, document: "AGG-1", at: Date())
        #expect(try code(pallet).level == .transport)
        #expect(try code(ids[0]).parent == pallet)
        // A unit inside the pallet cannot travel alone.
        expectCode(.codeInPackage) {
            _ = try ledger.perform(
                .lockForShipment(by: Self.producer, document: "S"), on: [ids[0]], document: "S", at: Date())
        }
        let locked = try ledger.perform(
            .lockForShipment(by: Self.producer, document: "SHIP-1"), on: [pallet, ids[4]], document: "SHIP-1",
            at: Date())
        #expect(locked.count == 6)
        #expect(try (ids[0..<5]).allSatisfy { try code($0).lockedBy == "SHIP-1" })
        #expect(try code(ids[5]).lockedBy == nil)
        let accepted = try ledger.perform(
            .acceptShipment(document: "SHIP-1", buyer: Self.buyer), on: [pallet, ids[4]], document: "ANSWER-1",
            at: Date())
        #expect(accepted.allSatisfy { $0.owner == Self.buyer && $0.lockedBy == nil })
        #expect(try code(ids[2]).owner == Self.buyer && code(ids[2]).parent == pallet)
        // A unit sold from the opened pallet leaves it; the rest stay inside.
        _ = try ledger.perform(
            .withdraw(by: Self.buyer, reason: .retailSale), on: [ids[1]], document: "CASH-1", at: Date())
        #expect(try code(ids[1]).parent == nil && code(ids[1]).status == .withdrawn)
        #expect(try store.read { try $0.children(of: [pallet]) }.count == 3)
        // Disaggregation empties it.
        try ledger.remove(nil, from: pallet, by: Self.buyer, document: "DIS-1", at: Date())
        #expect(try store.read { try $0.children(of: [pallet]) }.isEmpty)
    }

    @Test(arguments: TestBackend.available) static func aNewPalletNeedsAValidSSCCAndARefusedPackingChangesNothing(
        _ backend: TestBackend
    ) throws {
        try Self(backend).aNewPalletNeedsAValidSSCCAndARefusedPackingChangesNothing()
    }

    func aNewPalletNeedsAValidSSCCAndARefusedPackingChangesNothing() throws {
        let ids = try circulating(2)
        let before = try store.contentFingerprint()
        expectCode(.gs1CheckDigit) {
            try ledger.aggregate(ids, into: "00148700010000000016", by: Self.producer, document: "AGG", at: Date())
        }
        expectCode(.codeNotOwner) {
            try ledger.aggregate(ids, into: "00148700010000000018", by: Self.buyer, document: "AGG", at: Date())
        }
        #expect(try store.contentFingerprint() == before)
    }

    @Test(arguments: TestBackend.available) static func theHistoryShowsWhoOwnedWhenAndThroughWhichDocument(
        _ backend: TestBackend
    ) throws {
        try Self(backend).theHistoryShowsWhoOwnedWhenAndThroughWhichDocument()
    }

    func theHistoryShowsWhoOwnedWhenAndThroughWhichDocument() throws {
        let ids = try circulating(1)
        _ = try ledger.perform(
            .lockForShipment(by: Self.producer, document: "SHIP-7"), on: ids, document: "SHIP-7", at: Date())
        _ = try ledger.perform(
            .acceptShipment(document: "SHIP-7", buyer: Self.buyer), on: ids, document: "ANS-7", at: Date())
        _ = try ledger.perform(.withdraw(by: Self.buyer, reason: .retailSale), on: ids, document: "CASH-7", at: Date())
        _ = try ledger.perform(.returnToCirculation(by: Self.buyer), on: ids, document: "RET-7", at: Date())
        let history = try store.read { try $0.events(of: ids[0]) }
        #expect(history.map(\.operation) == ["issue", "apply", "introduce", "ship", "accept", "withdraw", "return"])
        #expect(
            history.map(\.owner) == Array(repeating: Self.producer, count: 4) + Array(repeating: Self.buyer, count: 3))
        #expect(history.map(\.document) == ["ORDER-1", "APP-1", "INTRO-1", "SHIP-7", "ANS-7", "CASH-7", "RET-7"])
    }

    @Test(arguments: TestBackend.available) static func theStoreKeepsParticipantsProductsAndKeys(_ backend: TestBackend)
        throws
    {
        try Self(backend).theStoreKeepsParticipantsProductsAndKeys()
    }

    func theStoreKeepsParticipantsProductsAndKeys() throws {
        let participant = try Participant(
            id: Self.producer, name: "ТОО", isOrganisation: true, roles: [.producer], productGroups: ["water"])
        let card = try ProductCard(
            gtin: Self.gtin, name: "Су", manufacturer: "ТОО", tnved: "2201", productGroup: "water", country: "KZ")
        try store.write { tx in
            try tx.save(participant)
            try tx.save([card])
            try tx.save(StoredEmissionKey(id: "AB12", secret: "PEM", createdAt: Date()))
        }
        #expect(try store.read { try $0.participant(Self.producer) } == participant)
        #expect(try store.read { try $0.product(Self.gtin) } == card)
        #expect(try store.read { try $0.emissionKeys().map(\.id) } == ["AB12"])
    }
}
