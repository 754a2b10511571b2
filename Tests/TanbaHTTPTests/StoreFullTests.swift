import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TanbaFolders
import TanbaHTTP
import TanbaPipeline
import TanbaSQLite
import TanbaStore
import Testing

/// Issue #11, item 7, over real HTTP with the store's file unable to grow (SQLite's `max_page_count`, as a full
/// disk): a submission is answered 503 STORE_UNAVAILABLE with Retry-After and no SQL or path, every request is
/// still logged and counted, reads keep working, and the ledger and the audit chain stay intact.
@Suite struct StoreFullTests {
    /// Keeps every log line, for checking that a request was logged.
    final class Lines: Sendable {
        let lines = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])

        var logger: Logger {
            Logger(label: "tanba.http.test") { _ in Handler(lines: self) }
        }

        struct Handler: LogHandler {
            let lines: Lines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace

            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }

            func log(event: LogEvent) {
                lines.lines.withLock { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
            }
        }

        func requests(action: String) -> [Logger.Metadata] {
            lines.withLock { $0.filter { $0.1 == "request" && $0.2["action"] == .string(action) }.map(\.2) }
        }
    }

    @Test func aFullDiskAnswers503RetryAfterAndReadsKeepWorking() async throws {
        let hub = try HTTPTests.hub()
        let lines = Lines()
        let api = HubAPI(pipeline: hub.api.pipeline, verifier: hub.api.verifier, logger: lines.logger)
        try await api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            let auditBefore = try Audit.verify(hub.store)
            try #require(hub.store as? SQLiteStore).simulateFullDisk()
            let ledger = try hub.store.contentFingerprint()
            // Reads keep working, though the audit entries they write soon stop fitting on the last page.
            for _ in 1...60 {
                try await client.execute(uri: "/v1/outbox", method: .get, headers: HTTPTests.bearer(seller)) {
                    #expect($0.status == .ok)
                }
            }
            // A document big enough to need new pages (its content is kept whole).
            let document = try ExpectContinueTests.bigShipment(hub.codes)
            try await client.execute(
                uri: "/v1/documents", method: .post, headers: HTTPTests.bearer(seller),
                body: ByteBuffer(bytes: document)
            ) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .serviceUnavailable, "\(body)")
                #expect(response.headers[.retryAfter] == "30")
                #expect(body.contains("\"code\":\"STORE_UNAVAILABLE\""))
                for secret in ["sqlite", "SQLite", "disk is full", "INSERT", hub.store.location, ".sqlite"] {
                    #expect(!body.contains(secret), "the answer reveals \(secret): \(body)")
                }
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"tanba_http_requests_total{action="submit",status="503"} 1"#), "\(text)")
                #expect(text.contains(#"tanba_http_requests_total{action="list-outbox",status="200"} 60"#))
                #expect(text.contains(#"tanba_audit_failures_total{action="list-outbox"}"#))
                #expect(text.contains(#"tanba_audit_failures_total{action="submit"} 1"#))
            }
            #expect(try hub.store.contentFingerprint() == ledger)
            // The chain holds: entries that could not be written are missing whole, never half.
            #expect(try Audit.verify(hub.store) >= auditBefore)
        }
        // Every request is in the log, the unaudited ones marked so for the operator.
        let submit = lines.requests(action: "submit")
        #expect(submit.count == 1 && submit.first?["status"] == "503 STORE_UNAVAILABLE")
        #expect(submit.first?["audit"] == "not written: STORE_UNAVAILABLE")
        let reads = lines.requests(action: "list-outbox")
        #expect(reads.count == 60 && reads.contains { $0["audit"] != nil })
        // The operator's log has the whole story the client did not get.
        #expect(lines.lines.withLock { $0.contains { $0.0 == .error && $0.1 == "internal fault" } })
    }

    @Test func aFullDiskLeavesADroppedDocumentInWorkForTheNextPass() throws {
        let hub = try HTTPTests.hub()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-full-\(UUID().uuidString)")
        let folder = root.appendingPathComponent(HTTPTests.seller)
        try DropFolders.prepare(folder)
        try Data(try ExpectContinueTests.bigShipment(hub.codes)).write(to: folder.appendingPathComponent("in/big.xml"))
        try #require(hub.store as? SQLiteStore).simulateFullDisk()
        let ledger = try hub.store.contentFingerprint()

        let pass = try DropFolders(root: root, pipeline: hub.api.pipeline).runOnce()

        #expect(pass.failed == ["\(HTTPTests.seller)/big.xml: STORE_UNAVAILABLE"], "\(pass)")
        let work = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("work").path)
        #expect(work == ["big.xml"])
        #expect(try hub.store.contentFingerprint() == ledger)
    }
}
