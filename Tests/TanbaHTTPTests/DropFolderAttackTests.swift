import Foundation
import TanbaErrors
import TanbaFolders
import TanbaPipeline
import TanbaStore
import Testing

/// Issue #11, items 1 and 2, on real folders: what one participant puts in its own folder never stops the drop
/// folders for the others (a directory, a FIFO, an item that fails while it is decided, across restarts), and the
/// hub never follows a link out of a participant's folder (to another participant's archive, to /etc/passwd).
@Suite struct DropFolderAttackTests {
    static let seller = HTTPTests.seller
    static let buyer = HTTPTests.buyer

    struct World {
        let hub: HTTPTests.Hub
        let root: URL
        var folders: DropFolders { DropFolders(root: root, pipeline: hub.api.pipeline) }

        func folder(_ participant: String) -> URL { root.appendingPathComponent(participant) }

        func names(_ participant: String, _ sub: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder(participant).appendingPathComponent(sub).path))
                ?? []).sorted()
        }

        func receipt(_ participant: String, _ name: String) throws -> String {
            try String(
                contentsOf: folder(participant).appendingPathComponent("out/\(name).receipt.xml"), encoding: .utf8)
        }

        /// The folder channel's audit entries, oldest first.
        func submissions() throws -> [AuditRecord] {
            try hub.store.read { try $0.audit(after: 0, limit: 1000) }.filter { $0.channel == "folder" }
        }
    }

    static func world() throws -> World {
        let hub = try HTTPTests.hub()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-drop-\(UUID().uuidString)")
        for participant in [seller, buyer] { try DropFolders.prepare(root.appendingPathComponent(participant)) }
        return World(hub: hub, root: root)
    }

    /// The seller's valid shipment, dropped as `in/NAME`.
    static func dropShipment(_ world: World, as name: String) throws {
        let bytes = try HTTPTests.signed(HTTPTests.shipment(world.hub.codes), by: .companyHead)
        try Data(buffer: bytes).write(to: world.folder(seller).appendingPathComponent("in/\(name)"))
    }

    // MARK: Item 1: one participant's item stops nobody

    @Test func aDirectoryOrFIFONamedXMLInInIsRefusedAndThePassGoesOn() throws {
        let world = try Self.world()
        // The buyer's folder comes first in a pass (its BIN sorts first): its items must not hold up the seller's.
        let buyerIn = world.folder(Self.buyer).appendingPathComponent("in")
        try FileManager.default.createDirectory(
            at: buyerIn.appendingPathComponent("dir.xml"), withIntermediateDirectories: false)
        #expect(mkfifo(buyerIn.appendingPathComponent("fifo.xml").path, 0o644) == 0)
        try Self.dropShipment(world, as: "shipment.xml")
        let ledger = try world.hub.store.contentFingerprint()

        let pass = try world.folders.runOnce()

        #expect(pass.accepted == ["shipment.xml"], "\(pass)")
        #expect(pass.rejected == ["dir.xml", "fifo.xml"] && pass.failed.isEmpty, "\(pass)")
        #expect(world.names(Self.buyer, "error") == ["dir.xml", "fifo.xml"])
        #expect(world.names(Self.buyer, "work").isEmpty && world.names(Self.buyer, "in").isEmpty)
        for (name, kind) in [("dir", "a directory"), ("fifo", "a FIFO")] {
            let receipt = try world.receipt(Self.buyer, name)
            #expect(receipt.contains("code=\"FILE_NOT_REGULAR\"") && receipt.contains(kind), "\(receipt)")
            #expect(receipt.contains("<Result>rejected</Result>") && receipt.contains("<ds:Signature"))
        }
        // The refusals changed nothing; the seller's shipment did (it was decided after them).
        #expect(try world.hub.store.contentFingerprint() != ledger)
        let refusals = try world.submissions().filter { $0.participant == Self.buyer }
        #expect(refusals.map(\.result) == ["rejected FILE_NOT_REGULAR", "rejected FILE_NOT_REGULAR"])
        #expect(refusals.map(\.object) == ["dir.xml", "fifo.xml"])
    }

    @Test func aDirectoryLeftInWorkByACrashDoesNotBlockARestart() throws {
        let world = try Self.world()
        // As a pass before the fix left it: claimed into work/, failing again first on every restart.
        try FileManager.default.createDirectory(
            at: world.folder(Self.buyer).appendingPathComponent("work/stuck.xml"), withIntermediateDirectories: false)
        try Self.dropShipment(world, as: "shipment.xml")
        let ledger = try world.hub.store.contentFingerprint()

        let restart = try world.folders.runOnce()

        #expect(restart.accepted == ["shipment.xml"] && restart.rejected == ["stuck.xml"], "\(restart)")
        #expect(world.names(Self.buyer, "work").isEmpty && world.names(Self.buyer, "error") == ["stuck.xml"])
        #expect(try world.receipt(Self.buyer, "stuck").contains("FILE_NOT_REGULAR"))
        #expect(try world.hub.store.contentFingerprint() != ledger)
        // Another restart finds nothing left to retry.
        let again = try world.folders.runOnce()
        #expect(again.accepted.isEmpty && again.rejected.isEmpty && again.failed.isEmpty)
    }

    @Test func aBlockedReceiptNameStopsNeitherTheItemNorThePass() throws {
        let world = try Self.world()
        // The buyer blocks its own receipt's name with a directory: the answer cannot be written where it is expected.
        let bytes = try HTTPTests.signed(HTTPTests.shipment(world.hub.codes), by: .companyHead)
        try Data(buffer: bytes).write(to: world.folder(Self.buyer).appendingPathComponent("in/odd.xml"))
        try FileManager.default.createDirectory(
            at: world.folder(Self.buyer).appendingPathComponent("out/odd.receipt.xml/x"),
            withIntermediateDirectories: true)
        try Self.dropShipment(world, as: "shipment.xml")
        let ledger = try world.hub.store.contentFingerprint()

        let pass = try world.folders.runOnce()

        #expect(pass.accepted == ["shipment.xml"], "\(pass)")
        // The odd item is not left in work/ to be retried first forever: it is in error/, with an answer.
        #expect(world.names(Self.buyer, "work").isEmpty && world.names(Self.buyer, "error").count == 1)
        let answers = world.names(Self.buyer, "out").filter { $0.hasPrefix("odd.") && $0 != "odd.receipt.xml" }
        #expect(answers.count == 1, "\(world.names(Self.buyer, "out"))")
        // The buyer may not submit the seller's document: refused, the ledger changed by the seller's alone.
        #expect(try world.hub.store.contentFingerprint() != ledger)
        #expect(try world.submissions().contains { $0.participant == Self.buyer && $0.result.hasPrefix("rejected") })
    }

    // MARK: Item 2: links are never followed

    @Test func aSymbolicLinkToAnotherParticipantsArchiveIsRefusedUnread() throws {
        let world = try Self.world()
        try Self.dropShipment(world, as: "p1.xml")
        #expect(try world.folders.runOnce().accepted == ["p1.xml"])
        let archived = world.folder(Self.seller).appendingPathComponent("archive/p1.xml")
        let original = try Data(contentsOf: archived)
        let ledger = try world.hub.store.contentFingerprint()
        let auditBefore = try world.submissions().count
        // The buyer links to the seller's archived document, relatively and absolutely.
        let buyerIn = world.folder(Self.buyer).appendingPathComponent("in")
        try FileManager.default.createSymbolicLink(
            atPath: buyerIn.appendingPathComponent("steal.xml").path,
            withDestinationPath: "../../\(Self.seller)/archive/p1.xml")
        try FileManager.default.createSymbolicLink(
            atPath: buyerIn.appendingPathComponent("steal-abs.xml").path, withDestinationPath: archived.path)

        let pass = try world.folders.runOnce()

        #expect(pass.rejected == ["steal-abs.xml", "steal.xml"] && pass.accepted.isEmpty, "\(pass)")
        for name in ["steal", "steal-abs"] {
            let receipt = try world.receipt(Self.buyer, name)
            #expect(receipt.contains("code=\"FILE_NOT_REGULAR\"") && receipt.contains("a symbolic link"))
            // Nothing about the target: not whose it is, not its number, not what the hub would have said of it.
            // (Read before the hub's signature: its base64 may hold any two letters, "p1" among them.)
            let said = receipt.components(separatedBy: "<ds:Signature")[0]
            for secret in [Self.seller, "ESD-HTTP-1", "AUTH_FORBIDDEN", "p1", "archive", "Shipment"] {
                #expect(!said.contains(secret), "\(name)'s receipt reveals \(secret)")
            }
        }
        // The links are moved as they are; the seller's document is where it was, unchanged.
        #expect(world.names(Self.buyer, "error") == ["steal-abs.xml", "steal.xml"])
        #expect(try Data(contentsOf: archived) == original)
        #expect(try world.hub.store.contentFingerprint() == ledger)
        let refusals = try world.submissions().dropFirst(auditBefore)
        #expect(refusals.map(\.result) == ["rejected FILE_NOT_REGULAR", "rejected FILE_NOT_REGULAR"])
        #expect(refusals.allSatisfy { $0.participant == Self.buyer })
    }

    @Test func aSymbolicLinkToEtcPasswdIsRefusedWithoutReadingIt() throws {
        let world = try Self.world()
        let ledger = try world.hub.store.contentFingerprint()
        try FileManager.default.createSymbolicLink(
            atPath: world.folder(Self.buyer).appendingPathComponent("in/order.xml").path,
            withDestinationPath: "/etc/passwd")

        let pass = try world.folders.runOnce()

        #expect(pass.rejected == ["order.xml"], "\(pass)")
        let receipt = try world.receipt(Self.buyer, "order")
        #expect(receipt.contains("code=\"FILE_NOT_REGULAR\""))
        // A parse error would quote the target's first bytes or its line: there is none.
        let said = receipt.components(separatedBy: "<ds:Signature")[0]  // not the signature's random base64
        for secret in ["root", "XML_MALFORMED", "passwd", "/etc"] { #expect(!said.contains(secret), "\(secret)") }
        #expect(try world.hub.store.contentFingerprint() == ledger)
        #expect(try world.submissions().map(\.result) == ["rejected FILE_NOT_REGULAR"])
    }

    @Test func aHardLinkToAnotherParticipantsDocumentIsRefused() throws {
        let world = try Self.world()
        try Self.dropShipment(world, as: "p1.xml")
        _ = try world.folders.runOnce()
        let ledger = try world.hub.store.contentFingerprint()
        #expect(
            link(
                world.folder(Self.seller).appendingPathComponent("archive/p1.xml").path,
                world.folder(Self.buyer).appendingPathComponent("in/hard.xml").path) == 0)

        let pass = try world.folders.runOnce()

        #expect(pass.rejected == ["hard.xml"])
        let receipt = try world.receipt(Self.buyer, "hard")
        #expect(receipt.contains("FILE_NOT_REGULAR") && !receipt.contains(Self.seller))
        #expect(try world.hub.store.contentFingerprint() == ledger)
    }

    @Test func aLinkedSubfolderIsNeverWrittenThrough() throws {
        let world = try Self.world()
        // The buyer replaces its out/ with a link to the seller's: no receipt may land in the seller's folder.
        let out = world.folder(Self.buyer).appendingPathComponent("out")
        try FileManager.default.removeItem(at: out)
        try FileManager.default.createSymbolicLink(
            atPath: out.path, withDestinationPath: world.folder(Self.seller).appendingPathComponent("out").path)
        try FileManager.default.createDirectory(
            at: world.folder(Self.buyer).appendingPathComponent("in/x.xml"), withIntermediateDirectories: false)

        let pass = try world.folders.runOnce()

        #expect(pass.rejected.isEmpty && world.names(Self.seller, "out").isEmpty)
        #expect(world.names(Self.buyer, "in") == ["x.xml"])
    }
}
