import Foundation
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

@testable import TanbaPipeline

/// Submissions racing each other: the invariants (one document per number, one application per content, a code
/// issued once) hold because the decision is checked again inside the write and the database enforces them, not
/// because a check before the write happened to run first.
@Suite(.blocking) struct RaceTests {
    /// Runs `body` on `count` threads released at the same moment, and collects every result.
    static func race<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) -> [Result<T, any Error>]
    {
        let gate = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        let results = Results<T>(count: count)
        for index in 0..<count {
            done.enter()
            RacerThreads.shared.run {
                gate.wait()
                results.set(index, Result { try body(index) })
                done.leave()
            }
        }
        for _ in 0..<count { gate.signal() }
        done.wait()
        return results.all
    }

    /// Threads that start once and never exit, each running one racer at a time. The racers block (on the gate, on
    /// the database), so they need threads of their own rather than Swift's cooperative pool; and the threads are
    /// kept rather than started per race because glibc, at a thread's exit with PostgreSQL's driver loaded, now and
    /// then aborts in `tcache_thread_shutdown` (1 run in 10 of this suite; no leak or misuse was found by ASan or
    /// MALLOC_CHECK_): the hub's own threads (NIO's pools) never exit either.
    final class RacerThreads: @unchecked Sendable {
        static let shared = RacerThreads(count: 48)
        private let lock = NSCondition()
        private var work: [@Sendable () -> Void] = []

        init(count: Int) {
            for _ in 0..<count {
                let thread = Thread { [unowned self] in
                    while true {
                        lock.lock()
                        while work.isEmpty { lock.wait() }
                        let next = work.removeFirst()
                        lock.unlock()
                        next()
                    }
                }
                thread.start()
            }
        }

        func run(_ body: @escaping @Sendable () -> Void) {
            lock.lock()
            work.append(body)
            lock.signal()
            lock.unlock()
        }
    }

    final class Results<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<T, any Error>?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ result: Result<T, any Error>) { lock.withLock { slots[index] = result } }
        var all: [Result<T, any Error>] { lock.withLock { slots.map { $0! } } }
    }

    static func codeOrder(number: String, quantity: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <CodeOrder xmlns="urn:kz:tanba:code-order:1" version="1.0">
          <Header>
            <DocumentNumber>\(number)</DocumentNumber>
            <DocumentDate>2026-11-20</DocumentDate>
            <Sender><BIN>\(World.seller)</BIN><Name>ТОО «Алатау Дистрибьюшн»</Name><Address>Алматы</Address></Sender>
          </Header>
          <Lines><Line><GTIN>\(World.water)</GTIN><Quantity>\(quantity)</Quantity></Line></Lines>
        </CodeOrder>

        """
    }

    /// An ERP retrying a code order 20 times at once: one document, one set of codes, 20 identical receipts.
    @Test(arguments: TestBackend.available) func twentyIdenticalCodeOrdersAtOnceIssueOneSetOfCodes(
        _ backend: TestBackend
    ) throws {
        let world = try World(backend: backend)
        let before = try world.store.read { try $0.codeCount() }
        let order = try World.signed(Self.codeOrder(number: "ZK-RACE-1", quantity: 5))
        let decisions = try Self.race(20) { _ in try world.pipeline.submit(order) }.map { try $0.get() }
        #expect(decisions.allSatisfy { $0.accepted }, "\(decisions.filter { !$0.accepted })")
        #expect(Set(decisions.map(\.receipt)).count == 1)
        #expect(Set(decisions.map(\.documentID)).count == 1)
        #expect(decisions.filter { !$0.repeated }.count == 1)
        #expect(try world.store.read { try $0.codeCount() } == before + 5)
        let stored = try world.store.read { try $0.documents(DocumentFilter(sender: World.seller)) }
        #expect(stored.filter { $0.type == "codeOrder" && $0.status != .rejected }.count == 1)
        #expect(!stored.contains { $0.status == .rejected })
        #expect(stored.first { $0.type == "codeOrder" }?.receipt == decisions[0].receipt)
    }

    /// Two accompanying documents of the same codes at once: exactly one locks them.
    @Test(arguments: TestBackend.available) func twoShipmentsOfTheSameCodesAtOnceOneWins(_ backend: TestBackend) throws
    {
        let world = try World(backend: backend)
        let codes = Array(world.codes.prefix(3))
        let documents = try ["ESD-A", "ESD-B"].map { try World.signed(World.shipment(number: $0, codes: codes)) }
        let decisions = try Self.race(2) { try world.pipeline.submit(documents[$0]) }.map { try $0.get() }
        #expect(decisions.filter(\.accepted).count == 1, "\(decisions)")
        let winner = try #require(decisions.first { $0.accepted })
        for code in codes { #expect(try world.code(code).lockedBy == winner.documentID) }
    }

    /// One number, two contents, at once: one is accepted, the other is FLC_NUMBER_USED.
    @Test(arguments: TestBackend.available) func oneNumberTwoContentsAtOnceOneIsRefused(_ backend: TestBackend) throws {
        let world = try World(backend: backend)
        let documents = try [Array(world.codes.prefix(2)), Array(world.codes.suffix(2))].map {
            try World.signed(World.shipment(number: "ESD-SAME", codes: $0))
        }
        let decisions = try Self.race(2) { try world.pipeline.submit(documents[$0]) }.map { try $0.get() }
        #expect(decisions.filter(\.accepted).count == 1, "\(decisions)")
        #expect(decisions.first { !$0.accepted }?.diagnostics.map(\.code) == [.flcNumberUsed])
        let stored = try world.store.read { try $0.documents(DocumentFilter(sender: World.seller)) }
        // One document kept; the refusal is listed too (the outbox shows refused documents), as rejected.
        #expect(stored.filter { $0.number == "ESD-SAME" && $0.status != .rejected }.count == 1)
    }

    /// Writers in many threads at once (submissions with their journal entries, and entries of their own) keep
    /// ONE audit chain: each reads the head and appends the next entry in its transaction, so no two entries
    /// share a number or a predecessor.
    @Test(arguments: TestBackend.available)
    func theAuditChainVerifiesAfterConcurrentWriters(_ backend: TestBackend) throws {
        let world = try World(codes: 8, backend: backend)
        let documents = try (0..<4).map { index in
            try World.signed(World.shipment(number: "ESD-AUD-\(index)", codes: [world.codes[index]]))
        }
        let results = Self.race(12) { index in
            if index < documents.count {
                _ = try world.pipeline.submit(documents[index]) { decision in
                    Audit.Event(channel: "http", action: "submit", object: decision.documentID, result: "ok")
                }
            } else {
                for step in 0..<3 {
                    try Audit.record(
                        Audit.Event(channel: "cli", action: "race", object: "\(index)-\(step)", result: "ok"),
                        in: world.store)
                }
            }
        }
        for result in results { try result.get() }
        #expect(try Audit.verify(world.store) == documents.count + 8 * 3)
    }

    /// The database itself refuses a second document with a stored number, whatever the caller checked before.
    @Test(arguments: TestBackend.available) func theStoreRefusesASecondDocumentWithTheSameNumber(_ backend: TestBackend)
        throws
    {
        let world = try World(backend: backend)
        let accepted = try world.pipeline.submit(try World.signed(World.shipment(number: "ESD-9", codes: world.codes)))
        let first = try #require(try world.store.read { try $0.document(id: accepted.documentID) })
        let copy = DocumentRecord(
            id: "DOC-OTHER", type: first.type, sender: first.sender, number: first.number, date: first.date,
            recipient: first.recipient, receivedAt: Date(), status: first.status, digest: "other", content: [1],
            receipt: [1])
        expectCode(.storeConflict) { try world.store.write { try $0.save(copy) } }
        let sameContent = DocumentRecord(
            id: "DOC-OTHER", type: first.type, sender: first.sender, number: "ESD-10", date: first.date,
            recipient: first.recipient, receivedAt: Date(), status: first.status, digest: first.digest,
            content: [1], receipt: [1])
        expectCode(.storeConflict) { try world.store.write { try $0.save(sameContent) } }
        #expect(try world.store.read { try $0.document(id: accepted.documentID) }?.receipt == accepted.receipt)
    }
}

/// Random serials meet: the short national serials (six characters for milk and water) make it likely in a large
/// order, and over a product's life. A batch never collides with itself, and a serial that exists already is drawn
/// again; the store's unique index is what finds it.
@Suite struct SerialCollisionTests {
    @Test func aBatchOfShortSerialsHasNoDuplicates() throws {
        let emitter = CodeEmitter(key: EmissionKey.generate(), serialLength: 2, tailLength: 4)
        // 62² = 3,844 serials of two characters: 2,000 of them collide many times over when drawn at random.
        let codes = try emitter.issue(gtin: World.water, count: 2_000, owner: World.seller, at: Date())
        #expect(Set(codes.map(\.id)).count == 2_000)
    }

    @Test(arguments: TestBackend.available) func serialsThatExistAlreadyAreDrawnAgain(_ backend: TestBackend) throws {
        let world = try World(codes: 1, backend: backend)
        let emitter = CodeEmitter(key: EmissionKey.generate(), serialLength: 2, tailLength: 4)
        let first = try world.store.write {
            try CodeIssuing.issue(
                emitter, gtin: World.water, count: 1_900, owner: World.seller, at: Date(), origin: "ORDER-A", in: $0)
        }
        // Half the space is taken: nearly every batch of 1,000 more meets some of it, and none may be issued twice.
        let second = try world.store.write {
            try CodeIssuing.issue(
                emitter, gtin: World.water, count: 1_000, owner: World.seller, at: Date(), origin: "ORDER-B", in: $0)
        }
        #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
        #expect(try world.store.read { try $0.codeCount() } == 1 + 1_900 + 1_000)
    }
}
