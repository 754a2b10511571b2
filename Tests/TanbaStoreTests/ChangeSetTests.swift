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

/// Decide, then apply: a decision made on a snapshot (a `ChangeRecorder`) is applied only while what it read
/// still holds, and a refused apply changes nothing.
@Suite struct ChangeSetTests {
    static let producer = LedgerTests.producer
    static let buyer = LedgerTests.buyer

    let base: LedgerTests
    var store: any HubStore { base.store }

    init(_ backend: TestBackend) throws { base = try LedgerTests(backend) }

    /// Runs `body` on a recorder over a snapshot of the store and returns what it decided.
    func decide(_ body: (ChangeRecorder) throws -> Void) throws -> ChangeSet {
        try store.read { snapshot in
            let recorder = ChangeRecorder(snapshot)
            try body(recorder)
            return recorder.changes
        }
    }

    @Test(arguments: TestBackend.available) static func aDecisionChangesNothingUntilItIsApplied(_ backend: TestBackend)
        throws
    {
        try Self(backend).aDecisionChangesNothingUntilItIsApplied()
    }

    func aDecisionChangesNothingUntilItIsApplied() throws {
        let ids = try base.circulating(2)
        let before = try store.contentFingerprint()
        let changes = try decide { tx in
            _ = try Ledger.perform(
                .withdraw(by: Self.producer, reason: .damage), on: ids, document: "W-1", at: Date(), in: tx)
        }
        #expect(try store.contentFingerprint() == before)
        #expect(changes.updates.map(\.before.status) == [.inCirculation, .inCirculation])
        try store.write { try $0.apply(changes) }
        #expect(try base.code(ids[0]).status == .withdrawn)
        #expect(try store.read { try $0.events(of: ids[1]) }.last?.document == "W-1")
    }

    /// A fiscal receipt is applied once, by the store's key: a change set carrying one recorded meanwhile (a copy
    /// of the batch decided at the same moment) is refused whole, the receipts new to it and their lines included.
    @Test(arguments: TestBackend.available)
    static func aFiscalReceiptRecordedMeanwhileRefusesTheWholeChangeSetWithStoreConflict(_ backend: TestBackend)
        throws
    {
        try Self(backend).aFiscalReceiptRecordedMeanwhileRefusesTheWholeChangeSetWithStoreConflict()
    }

    func aFiscalReceiptRecordedMeanwhileRefusesTheWholeChangeSetWithStoreConflict() throws {
        func receipt(_ sign: String) -> FiscalReceiptRecord {
            FiscalReceiptRecord(
                register: "620300012345", registerSerial: nil, fiscalSign: sign, ofd: "123456789012",
                batch: "B-\(sign)",
                seller: Self.producer, kind: .sale, issuedAt: Date(), receivedAt: Date(), digest: "digest-\(sign)",
                lines: [
                    FiscalLineRecord(
                        line: 1, code: "0104870001000073210000\(sign)a", gtin: "04870001000073", price: "1.00"),
                    FiscalLineRecord(
                        line: 2, code: "0104870001000073210000\(sign)b", gtin: "04870001000073", price: "2.00"),
                ])
        }
        // Both decided on the same snapshot, where neither receipt 1 nor 2 is recorded.
        let first = try decide { try $0.save([receipt("1")]) }
        let second = try decide { try $0.save([receipt("2"), receipt("1"), receipt("3")]) }
        try store.write { try $0.apply(first) }
        let before = try store.contentFingerprint()
        let error = expectCode(.storeConflict) { try store.write { try $0.apply(second) } }
        #expect(error?.message.contains(receipt("1").id) == true, "the receipt recorded meanwhile is named")
        #expect(try store.contentFingerprint() == before)
        let held = try store.read { try $0.fiscalReceipts(ids: ["2", "1", "3"].map { receipt($0).id }) }
        #expect(held.keys.sorted() == [receipt("1").id])
        #expect(held[receipt("1").id]?.lines.map(\.price) == ["1.00", "2.00"])
        #expect(try store.read { try $0.fiscalReceipts(code: "01048700010000732100002a", limit: 10) }.isEmpty)
    }

    @Test(arguments: TestBackend.available)
    static func aDecisionOnAStaleSnapshotIsRefusedWithStoreConflictAndChangesNothing(_ backend: TestBackend) throws {
        try Self(backend).aDecisionOnAStaleSnapshotIsRefusedWithStoreConflictAndChangesNothing()
    }

    func aDecisionOnAStaleSnapshotIsRefusedWithStoreConflictAndChangesNothing() throws {
        let ids = try base.circulating(3)
        let changes = try decide { tx in
            _ = try Ledger.perform(
                .lockForShipment(by: Self.producer, document: "SHIP-A"), on: ids, document: "SHIP-A", at: Date(),
                in: tx)
        }
        // Another decision took one of the codes meanwhile.
        _ = try base.ledger.perform(
            .withdraw(by: Self.producer, reason: .damage), on: [ids[1]], document: "W-1", at: Date())
        let before = try store.contentFingerprint()
        expectCode(.storeConflict) { try store.write { try $0.apply(changes) } }
        #expect(try store.contentFingerprint() == before)
        #expect(try base.code(ids[0]).lockedBy == nil)
    }

    @Test(arguments: TestBackend.available) static func theRecorderSeesItsOwnWritesAPalletItMadeHoldsWhatItPutIn(
        _ backend: TestBackend
    ) throws {
        try Self(backend).theRecorderSeesItsOwnWritesAPalletItMadeHoldsWhatItPutIn()
    }

    func theRecorderSeesItsOwnWritesAPalletItMadeHoldsWhatItPutIn() throws {
        let ids = try base.circulating(3)
        let pallet = "00148700010000000018"
        let changes = try decide { tx in
            _ = try Ledger.aggregate(
                Array(ids[0..<2]), into: pallet, by: Self.producer, document: "AGG-1", at: Date(), in: tx)
            #expect(try tx.code(pallet)?.level == .transport)
            #expect(Set(try tx.children(of: [pallet]).map(\.id)) == Set(ids[0..<2]))
            // Taken out again in the same decision: the snapshot still has no pallet, the recorder has an empty one.
            _ = try Ledger.remove([ids[0]], from: pallet, by: Self.producer, document: "AGG-1", at: Date(), in: tx)
            #expect(try tx.children(of: [pallet]).map(\.id) == [ids[1]])
        }
        #expect(try store.read { try $0.code(pallet) } == nil)
        try store.write { try $0.apply(changes) }
        #expect(try store.read { try $0.children(of: [pallet]) }.map(\.id) == [ids[1]])
        #expect(try base.code(ids[0]).parent == nil)
    }

    @Test(arguments: TestBackend.available) static func aCodeThatExistsIsRefusedByTheRecorderAsTheStoreRefusesIt(
        _ backend: TestBackend
    ) throws {
        try Self(backend).aCodeThatExistsIsRefusedByTheRecorderAsTheStoreRefusesIt()
    }

    func aCodeThatExistsIsRefusedByTheRecorderAsTheStoreRefusesIt() throws {
        let ids = try base.circulating(1)
        let existing = try base.code(ids[0])
        let before = try store.contentFingerprint()
        let error = expectCode(.codeDuplicate) {
            _ = try decide { tx in try tx.insert([existing], origin: "ORDER-2") }
        }
        #expect(error?.diagnostics.first?.message.contains(ids[0]) == true)
        #expect(try store.contentFingerprint() == before)
    }

    @Test(arguments: TestBackend.available) static func codesIssuedMeanwhileMakeTheApplyAConflictNotADuplicate(
        _ backend: TestBackend
    ) throws {
        try Self(backend).codesIssuedMeanwhileMakeTheApplyAConflictNotADuplicate()
    }

    func codesIssuedMeanwhileMakeTheApplyAConflictNotADuplicate() throws {
        let fresh = try LedgerTests.emitter.issue(gtin: LedgerTests.gtin, count: 2, owner: Self.producer, at: Date())
        let changes = try decide { tx in try tx.insert(fresh, origin: "ORDER-A") }
        try base.ledger.issue([fresh[1]], order: "ORDER-B")
        let before = try store.contentFingerprint()
        expectCode(.storeConflict) { try store.write { try $0.apply(changes) } }
        #expect(try store.contentFingerprint() == before)
        #expect(try store.read { try $0.code(fresh[0].id) } == nil)
    }

    @Test(arguments: TestBackend.available) static func aDocumentStatusChangeExpectsTheStatusItRead(
        _ backend: TestBackend
    ) throws {
        try Self(backend).aDocumentStatusChangeExpectsTheStatusItRead()
    }

    func aDocumentStatusChangeExpectsTheStatusItRead() throws {
        let shipment = DocumentRecord(
            id: "DOC-S", type: "shipment", sender: Self.producer, number: "S-1", date: "2026-12-01",
            recipient: Self.buyer, receivedAt: Date(), status: .waitingForCounterparty, digest: "d1", content: [1],
            receipt: [2])
        try store.write { try $0.save(shipment) }
        let cancel = try decide { tx in try tx.setStatus(.cancelled, of: "DOC-S") }
        #expect(
            cancel.statusChanges == [
                DocumentStatusChange(id: "DOC-S", expected: .waitingForCounterparty, status: .cancelled)
            ])
        // The buyer's answer settled the shipment first.
        try store.write { try $0.setStatus(.acceptedByCounterparty, of: "DOC-S") }
        expectCode(.storeConflict) { try store.write { try $0.apply(cancel) } }
        #expect(try store.read { try $0.document(id: "DOC-S") }?.status == .acceptedByCounterparty)
    }

    @Test(arguments: TestBackend.available) static func theSameDocumentAppliedTwiceIsAConflictTheSecondTime(
        _ backend: TestBackend
    ) throws {
        try Self(backend).theSameDocumentAppliedTwiceIsAConflictTheSecondTime()
    }

    func theSameDocumentAppliedTwiceIsAConflictTheSecondTime() throws {
        var changes = ChangeSet()
        changes.document = DocumentRecord(
            id: "DOC-1", type: "withdrawal", sender: Self.producer, number: "N-1", date: "2026-12-01", recipient: nil,
            receivedAt: Date(), status: .accepted, digest: "d1", content: [1], receipt: [2])
        try store.write { try $0.apply(changes) }
        let before = try store.contentFingerprint()
        expectCode(.storeConflict) { try store.write { try $0.apply(changes) } }
        // Another document with the same number: the unique (sender, number) index refuses it as well.
        var other = changes
        other.document = DocumentRecord(
            id: "DOC-2", type: "withdrawal", sender: Self.producer, number: "N-1", date: "2026-12-01", recipient: nil,
            receivedAt: Date(), status: .accepted, digest: "d2", content: [3], receipt: [4])
        expectCode(.storeConflict) { try store.write { try $0.apply(other) } }
        #expect(try store.contentFingerprint() == before)
    }

    @Test(arguments: TestBackend.available) static func outboundMessagesAreWrittenWithTheirDecisionOrNotAtAll(
        _ backend: TestBackend
    ) throws {
        try Self(backend).outboundMessagesAreWrittenWithTheirDecisionOrNotAtAll()
    }

    func outboundMessagesAreWrittenWithTheirDecisionOrNotAtAll() throws {
        let ids = try base.circulating(1)
        var changes = try decide { tx in
            _ = try Ledger.perform(
                .withdraw(by: Self.producer, reason: .export), on: ids, document: "EXP-1", at: Date(), in: tx)
            try tx.enqueue([OutboundMessage(channel: "mof", kind: "export", idempotencyKey: "EXP-1", body: [1])])
        }
        #expect(changes.messages.count == 1)
        _ = try base.ledger.perform(.withdraw(by: Self.producer, reason: .damage), on: ids, document: "W", at: Date())
        let before = try store.contentFingerprint()
        expectCode(.storeConflict) { try store.write { try $0.apply(changes) } }
        #expect(try store.contentFingerprint() == before)
        // Decided again on what is there, without the code: the message alone is written, once.
        changes = try decide { tx in
            try tx.enqueue([OutboundMessage(channel: "mof", kind: "export", idempotencyKey: "EXP-1", body: [1])])
        }
        try store.write { try $0.apply(changes) }
        #expect(try store.contentFingerprint() != before)
        // The idempotency key is unique: the same message is never queued twice.
        expectCode(.storeConflict) { try store.write { try $0.apply(changes) } }
    }

    /// The conditional update finds its codes by their identity, whatever else the statement compares: the
    /// planner once walked the seller's whole `codes_owner` index for every small shipment.
    @Test static func theConditionalUpdateFindsCodesByTheirIdentityNotByTheirOwner() throws {
        let base = try LedgerTests(.sqlite)
        _ = try base.circulating(50)
        let store = try #require(base.store as? SQLiteStore)
        let plan = try store.conditionalUpdatePlan()
        #expect(plan.contains("USING INDEX sqlite_autoindex_codes_1 (id=?)"), "\(plan)")
        #expect(!plan.contains("codes_owner"), "\(plan)")
    }
}

extension ChangeSetTests {
    /// PostgreSQL's cached (generic) plan of the conditional update finds codes by identity whatever its
    /// statistics say of owners: with a plain `owner = $8` and statistics from before a batch changed hands (a
    /// seller's 140,000 codes in the benchmark), it read every code the seller owns for each small shipment.
    @Test(.blocking, .enabled(if: TestBackend.server != nil))
    static func postgresFindsTheCodesOfAConditionalUpdateByTheirIdentityNotByTheirOwner() throws {
        let url = try TestBackend.postgres.makeLocation()
        let store = try PostgresStore(url: url)
        // 3,000 codes of 3,000 owners, analysed; then all of them one owner's, not analysed again.
        try psql(
            url,
            """
            INSERT INTO codes (id, level, gtin, status, owner, emitter, issued_at)
            SELECT '0104870001000011211' || i, 0, '04870001000011', 'inCirculation', 'o' || i, 'e', 0
            FROM generate_series(1, 3000) AS i;
            ANALYZE codes;
            UPDATE codes SET owner = '050140001238';
            """)
        let plan = try store.conditionalUpdatePlan()
        #expect(plan.contains("codes_id_key"), "\(plan)")
        #expect(!plan.contains("codes_owner"), "\(plan)")
    }

    static func psql(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql]
        try launch(process)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
