import Foundation
import Logging
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaHTTP
import TanbaPipeline
import TanbaSQLite
import TanbaStore
import TanbaXML

// `make bench`: release-build figures next to the peer tools on this machine, measured in the same run.
//
// 1. A generated accompanying document with 100,000 marking codes (~10 MB), signed: Tanba's parse + XSD +
//    signature verification in-process, against `xmllint --schema` and `xmlsec1 --verify` on the same file.
// 2. Small documents: signatures made and verified per second, one and two threads.

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let work = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func which(_ name: String) -> String? {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/\(name)" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A whole-number setting of the bench from the environment (`TANBA_BENCH_…`), or `fallback` when unset or not a
/// number.
func benchSetting(_ name: String, _ fallback: Int) -> Int {
    Int(ProcessInfo.processInfo.environment[name] ?? "") ?? fallback
}

/// Runs a command and returns what it printed (standard error dropped).
func processOutput(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text
}

/// Runs wrk with a script whose `done` writes `TANBA requests failures rate p50 p99` (ms), and reads that line.
func wrkSummary(_ wrk: String, _ arguments: [String]) throws -> (
    requests: Int, failures: Int, rate: Double, p50: Double, p99: Double
) {
    let text = try processOutput(wrk, arguments)
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("TANBA ") }) else {
        fatalError("wrk printed no summary:\n\(text)")
    }
    let fields = line.split(separator: " ").dropFirst().map(String.init)
    return (Int(fields[0])!, Int(fields[1])!, Double(fields[2])!, Double(fields[3])!, Double(fields[4])!)
}

/// Runs a command and returns its wall time; fails loudly if it fails.
func timeProcess(_ path: String, _ arguments: [String]) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let elapsed = try seconds {
        try process.run()
        process.waitUntilExit()
    }
    guard process.terminationStatus == 0 else {
        fatalError("\(path) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
    }
    return elapsed
}

/// GS1 mod-10 check digit over the digits given (weights 3,1,3… from the right).
func checkDigit(_ digits: String) -> Character {
    var sum = 0
    for (index, char) in digits.reversed().enumerated() { sum += Int(String(char))! * (index % 2 == 0 ? 3 : 1) }
    return Character(String((10 - sum % 10) % 10))
}

/// An accompanying document with `codes` marking codes over `lines` lines, amounts consistent.
func generateShipment(codes: Int, lines: Int) -> [UInt8] {
    var xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Shipment xmlns="urn:kz:tanba:shipment:1" version="1.0">
          <Header>
            <DocumentNumber>BENCH-000001</DocumentNumber>
            <DocumentDate>2026-11-24</DocumentDate>
            <ShipmentDate>2026-11-25</ShipmentDate>
            <Seller><BIN>050140001238</BIN><Name>ТОО «Алатау Дистрибьюшн»</Name></Seller>
            <Buyer><BIN>031240500125</BIN><Name>ТОО «Шымкент Сауда»</Name></Buyer>
            <Currency>KZT</Currency>
          </Header>
          <Lines>

        """
    let perLine = codes / lines
    for line in 1...lines {
        let body = "0487" + String(format: "%09d", line % 500)
        let gtin = body + String(checkDigit(body))
        let amount = perLine * 100
        let vat = Double(amount) * 12.0 / 112.0
        xml += """
                <Line number="\(line)">
                  <GTIN>\(gtin)</GTIN><Name>Тауар \(line)</Name><Quantity>\(perLine)</Quantity>
                  <UnitPrice>100.00</UnitPrice><VATRate>12</VATRate><VATAmount>\(String(format: "%.2f", vat))</VATAmount>
                  <Amount>\(amount).00</Amount>
                  <Items>

            """
        for serial in 0..<perLine {
            // 20-character serials, the longest GS1 allows, as code emitters issue them.
            xml += "          <Code>01\(gtin)21\(String(format: "%010dK%09d", line, serial))</Code>\n"
        }
        xml += "        </Items>\n      </Line>\n"
    }
    xml += """
          </Lines>
          <Totals><Quantity>\(codes)</Quantity><VATAmount>0.00</VATAmount><Amount>\(codes * 100).00</Amount></Totals>
        </Shipment>

        """
    return Array(xml.utf8)
}

guard let xmllint = which("xmllint"), let xmlsec1 = which("xmlsec1") else {
    fatalError("xmllint and xmlsec1 are needed: make deps installs them")
}
let pki = try TestPKI.create(at: work.appendingPathComponent("pki"))
let trust = try TrustStore(caDirectory: pki.trustDirectory, crlDirectory: pki.crlDirectory)
let verifier = SignatureVerifier(trustStore: trust)
let schemas = try SchemaSet(directory: repository.appendingPathComponent("xsd"))
let limits = ParseLimits(maxBytes: 64 << 20)

print("# tanba-bench \(ISO8601DateFormatter().string(from: Date()))")
print(
    "libraries: \(LibraryVersions.all.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
)
print("cores: \(ProcessInfo.processInfo.activeProcessorCount)\n")

/// `tanba-bench [large] [small] [store] [pipeline] [gost] [labels] [public] [outbox] [fiscal] [mof]`: which parts to
/// run (default all).
/// `stream` runs the pipeline part without its 100,000-code document (small documents in-process and over HTTP, for
/// profiling).
let parts: Set<String> =
    CommandLine.arguments.count > 1
    ? Set(CommandLine.arguments.dropFirst())
    : ["large", "small", "store", "pipeline", "gost", "labels", "public", "outbox", "fiscal", "mof"]

// MARK: 1. Large document
for (name, participant) in [
    ("RSA-2048", TestPKI.Participant.companyHead), ("ECDSA P-256", .entrepreneur), ("GOST 2015-512", .gostCompanyHead),
]
where parts.contains("large") {
    let signer = try DocumentSigner(
        keyFile: pki.keyFile(participant), certificateFile: pki.certificateFile(participant))
    let unsigned = generateShipment(codes: 100_000, lines: 10_000)
    let signed = try signer.sign(unsigned, limits: limits)
    let file = work.appendingPathComponent("large-\(participant.rawValue).xml")
    try Data(signed).write(to: file)
    let runs = 7
    var parse: [Double] = [], xsd: [Double] = [], verify: [Double] = [], total: [Double] = []
    for _ in 0..<runs {
        var document: XMLDocument!
        let t0 = try seconds { document = try XMLDocument.parse(contentsOf: file, limits: limits) }
        let t1 = try seconds { try schemas.validate(document) }
        let t2 = try seconds { _ = try verifier.verify(document) }
        parse.append(t0)
        xsd.append(t1)
        verify.append(t2)
        total.append(t0 + t1 + t2)
    }
    // xmlsec1 has no GOST: for a GOST document only xmllint is a peer.
    let xmlsecCan = !participant.isGOST
    var lint: [Double] = [], sec: [Double] = []
    for _ in 0..<runs {
        lint.append(
            try timeProcess(
                xmllint,
                ["--noout", "--schema", repository.appendingPathComponent("xsd/shipment-1.xsd").path, file.path]))
        guard xmlsecCan else { continue }
        sec.append(
            try timeProcess(
                xmlsec1,
                [
                    "--verify", "--enabled-key-data", "x509", "--trusted-pem",
                    pki.trustDirectory.appendingPathComponent("root-ca.pem").path, "--untrusted-pem",
                    pki.trustDirectory.appendingPathComponent("intermediate-ca.pem").path, file.path,
                ]))
    }
    print("## 100,000 marking codes, \(signed.count / 1000) kB, signed \(name) (median of \(runs))")
    print("| step | Tanba (in-process) | peer |")
    print("|---|---|---|")
    print(String(format: "| parse | %.0f ms | |", median(parse) * 1000))
    print(
        String(
            format: "| XSD | %.0f ms | xmllint --schema: %.0f ms (parse + XSD, whole process) |", median(xsd) * 1000,
            median(lint) * 1000))
    if xmlsecCan {
        let peers = median(lint) + median(sec)
        print(
            String(
                format:
                    "| signature + chain + CRL | %.0f ms | xmlsec1 --verify: %.0f ms (parse + verify, whole process) |",
                median(verify) * 1000, median(sec) * 1000))
        print(
            String(format: "| **total** | **%.0f ms** | **%.0f ms** (both tools) |", median(total) * 1000, peers * 1000)
        )
        print(String(format: "ratio Tanba / (xmllint + xmlsec1) = **%.2f** (target ≤ 1.00)\n", median(total) / peers))
    } else {
        print(String(format: "| signature + chain + CRL | %.0f ms | (xmlsec1 has no GOST) |", median(verify) * 1000))
        print(String(format: "| **total** | **%.0f ms** | |\n", median(total) * 1000))
    }
}

// MARK: 2. Small documents
if parts.contains("small") {
    let smallBytes = Array(try Data(contentsOf: repository.appendingPathComponent("samples/shipment/valid.xml")))
    print("## Small document (\(smallBytes.count) bytes): operations per second")
    print("| operation | 1 thread | 2 threads |")
    print("|---|---|---|")
    for (name, participant) in [
        ("RSA-2048", TestPKI.Participant.companyHead), ("ECDSA P-256", .entrepreneur),
        ("GOST 2015-512", .gostCompanyHead),
    ] {
        let signer = try DocumentSigner(
            keyFile: pki.keyFile(participant), certificateFile: pki.certificateFile(participant))
        let signed = try signer.sign(smallBytes)
        func rate(threads: Int, duration: Double = 1.5, _ body: @escaping @Sendable () throws -> Void) -> Double {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads)
            counts.initialize(repeating: 0)
            defer { counts.deallocate() }
            let start = DispatchTime.now().uptimeNanoseconds
            let deadline = start + UInt64(duration * 1e9)
            let pointer = UncheckedBox(counts)
            DispatchQueue.concurrentPerform(iterations: threads) { index in
                var n = 0
                while DispatchTime.now().uptimeNanoseconds < deadline {
                    try! body()
                    n += 1
                }
                pointer.value[index] = n
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return Double(counts.reduce(0, +)) / elapsed
        }
        let verifyOnce: @Sendable () throws -> Void = { _ = try verifier.verify(try XMLDocument.parse(signed)) }
        let signOnce: @Sendable () throws -> Void = { _ = try signer.sign(smallBytes) }
        print(
            String(
                format: "| parse + verify %@ | %.0f/s | %.0f/s |", name, rate(threads: 1, verifyOnce),
                rate(threads: 2, verifyOnce)))
        print(
            String(
                format: "| parse + sign %@ | %.0f/s | %.0f/s |", name, rate(threads: 1, signOnce),
                rate(threads: 2, signOnce)))
    }
}

// MARK: 3. Marking codes on a store holding 1,000,000 codes (issue #4)
if parts.contains("store") {
    let storePath = work.appendingPathComponent("bench-store.sqlite").path
    let store = try SQLiteStore(path: storePath)
    let ledger = Ledger(store: store)
    let owner = "050140001238"
    let buyer = "031240500125"
    let emitter = CodeEmitter(key: EmissionKey.generate())
    let gtin = "04870001000011"
    // Fill: 1,000,000 codes issued in 100 orders of 10,000 over the past 100 days (not timed).
    var filled = 0
    let fillStart = DispatchTime.now().uptimeNanoseconds
    while filled < 1_000_000 {
        let day = Date() - Double(100 - filled / 10_000) * 86_400
        try ledger.issue(try emitter.issue(gtin: gtin, count: 10_000, owner: owner, at: day), order: "FILL-\(filled)")
        filled += 10_000
    }
    let fillSeconds = Double(DispatchTime.now().uptimeNanoseconds - fillStart) / 1e9
    print("\n## Marking codes on a store already holding \(try store.read { try $0.codeCount() }) codes")
    print(String(format: "(filling 1,000,000 took %.1f s)", fillSeconds))

    // Issue 100,000 codes with verification codes: emit (tails on every core) + insert with history, timed 3×.
    var issueRates: [Double] = []
    var signRates: [Double] = []
    var lastBatch: [CodeRecord] = []
    for round in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        let codes = try emitter.issue(gtin: gtin, count: 100_000, owner: owner, at: Date())
        let signed = DispatchTime.now().uptimeNanoseconds
        try ledger.issue(codes, order: "ORDER-\(round)")
        let end = DispatchTime.now().uptimeNanoseconds
        issueRates.append(100_000 / (Double(end - start) / 1e9))
        signRates.append(100_000 / (Double(signed - start) / 1e9))
        lastBatch = codes
    }
    // openssl speed for HMAC-SHA-512 on both cores: the ceiling for making the tails (the 64-byte column: the
    // message `01` GTIN `21` serial is 31-33 bytes, one SHA-512 block like 64 bytes).
    var ceiling = "n/a"
    if let openssl = which("openssl") {
        let text = try processOutput(
            openssl,
            ["speed", "-seconds", "3", "-multi", "\(ProcessInfo.processInfo.activeProcessorCount)", "-hmac", "sha512"])
        // OpenSSL 3.0 labels the -multi summary line "hmac(md5)" whatever -hmac names; the figures are the
        // digest asked for (twice one process's hmac(sha512), checked by hand), so the line is found by its prefix.
        if let line = text.split(separator: "\n").last(where: { $0.hasPrefix("hmac(") }) {
            // "hmac(sha512)  46747.31k  190364.76k ...": thousands of bytes per second per block size.
            let fields = line.split(separator: " ").map(String.init)
            if fields.count >= 3, let kilobytes = Double(fields[2].dropLast()) {
                ceiling = String(format: "%.0f HMACs/s", kilobytes * 1000 / 64)
            }
        }
    }
    print("| measure | figure |")
    print("|---|---|")
    print(
        String(format: "| codes issued/s (emit + tail + insert with history), median of 3 | %.0f |", median(issueRates))
    )
    print(String(format: "| of which making the tails alone, codes/s | %.0f |", median(signRates)))
    print(
        "| `openssl speed -multi \(ProcessInfo.processInfo.activeProcessorCount) -hmac sha512`, 64-byte blocks, same run (ceiling) | \(ceiling) |"
    )

    // Ownership change of 100,000 codes in one transaction: the buyer accepts a shipment of all of them.
    let ids = lastBatch.map(\.id)
    _ = try ledger.perform(.apply(by: owner), on: ids, document: "APP", at: Date())
    _ = try ledger.perform(.introduce(by: owner), on: ids, document: "INTRO", at: Date())
    _ = try ledger.perform(.lockForShipment(by: owner, document: "SHIP"), on: ids, document: "SHIP", at: Date())
    var changeSeconds: [Double] = []
    var (from, to) = (owner, buyer)
    for round in 0..<3 {
        if round > 0 {
            _ = try ledger.perform(
                .lockForShipment(by: from, document: "SHIP-\(round)"), on: ids, document: "SHIP-\(round)", at: Date())
        }
        let document = round == 0 ? "SHIP" : "SHIP-\(round)"
        let start = DispatchTime.now().uptimeNanoseconds
        let changed = try ledger.perform(
            .acceptShipment(document: document, buyer: to), on: ids, document: "ANSWER-\(round)", at: Date())
        changeSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        precondition(changed.count == 100_000 && changed.allSatisfy { $0.owner == to })
        (from, to) = (to, from)
    }
    print(
        String(
            format:
                "| ownership change of 100,000 codes in one transaction (read, rules, update, history), median of 3 | %.2f s |",
            median(changeSeconds)))
}

// MARK: 4. The document pipeline end to end (issue #5)
if parts.contains("pipeline") || parts.contains("stream") {
    // The peak is this part's own: Linux resets the high-water mark (VmHWM) on "5" (earlier parts, such as the
    // 1,000,000-code store, must not count here).
    try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    // What is resident already when the part starts (the reset makes the high-water mark this, not zero): in a
    // full run, pages an earlier part freed but the allocator kept count here too.
    let startKB =
        ((try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? "").split(separator: "\n")
        .first { $0.hasPrefix("VmRSS:") }
        .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
    let store = try SQLiteStore(path: work.appendingPathComponent("pipeline.sqlite").path)
    try BenchParties.register(in: store)
    let referenceFolder = repository.appendingPathComponent("reference")
    let reference = try ReferenceData(
        files: try FileManager.default.contentsOfDirectory(at: referenceFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.map { ($0.lastPathComponent, try Data(contentsOf: $0)) })
    let hubSigner = try DocumentSigner(keyFile: pki.keyFile(.hub), certificateFile: pki.certificateFile(.hub))
    let pipeline = DocumentPipeline(
        store: store, schemas: schemas, verifier: verifier, reference: reference, hub: hubSigner, limits: limits)
    let emitter = CodeEmitter(key: EmissionKey.generate())
    func shipment(_ number: String, codes: [String], perLine: Int, indent: String = "") -> [UInt8] {
        shipmentXML(number, codes: codes, perLine: perLine, indent: indent)
    }
    func prepare(_ count: Int, using chosen: CodeEmitter? = nil) throws -> [String] {
        try BenchParties.circulating(count, in: store, emitter: chosen ?? emitter)
    }
    let signer = try DocumentSigner(
        keyFile: pki.keyFile(.companyHead), certificateFile: pki.certificateFile(.companyHead))
    // One accompanying document with 100,000 codes: the full pipeline against parse + XSD + signature alone.
    print("\n## The document pipeline end to end")
    print("| measure | figure |")
    print("|---|---|")
    if parts.contains("pipeline") {
        let big = try signer.sign(shipment("BIG-1", codes: try prepare(100_000), perLine: 100), limits: limits)
        let baselineStart = DispatchTime.now().uptimeNanoseconds
        // In a function of its own: the baseline's tree is freed before the pipeline runs, which parses its own.
        func baselineCheck() throws {
            let document = try XMLDocument.parse(big, limits: limits)
            try schemas.validate(document)
            _ = try verifier.verify(document)
        }
        try baselineCheck()
        let baseline = Double(DispatchTime.now().uptimeNanoseconds - baselineStart) / 1e9
        // The floor: SQLite itself (the sqlite3 shell) doing the store work of accepting such a document.
        let floor = try sqliteFloor(repository.appendingPathComponent("Benchmarks/sqlite/floor.sh"))
        let fullStart = DispatchTime.now().uptimeNanoseconds
        let decision = try pipeline.submit(big)
        let full = Double(DispatchTime.now().uptimeNanoseconds - fullStart) / 1e9
        precondition(decision.accepted, "\(decision)")
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let peakKB =
            status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        print(
            String(
                format: "| accompanying document, 100,000 codes (%d kB): parse + XSD + signature alone | %.2f s |",
                big.count / 1000, baseline))
        print(
            String(
                format: "| the same through the whole pipeline (rules, apply, signed receipt) | %.2f s (%.2f×) |", full,
                full / baseline))
        if let floor {
            print(
                String(
                    format:
                        "| the SQLite floor in the same run (Benchmarks/sqlite/floor.sh: the store work alone, in C) | %.2f s; the pipeline is %.2f× (parse + XSD + signature + floor) |",
                    floor, full / (baseline + floor)))
        }
        print(
            "| peak memory of this part, setup included (VmHWM since its start; resident at its start: "
                + "\(startKB / 1024) MB) | \(peakKB / 1024) MB |")
    }
    // A stream of small documents: 300 shipments of 10 codes each, signed beforehand. TANBA_BENCH_STREAM_DOCUMENTS
    // and TANBA_BENCH_WRK_SECONDS (below) make the stream and the wrk run longer, for a profile of either.
    let streamCount = benchSetting("TANBA_BENCH_STREAM_DOCUMENTS", 300)
    let smallCodes = try prepare(streamCount * 10)
    let documents = try (0..<streamCount).map { index in
        try signer.sign(shipment("S-\(index)", codes: Array(smallCodes[(index * 10)..<(index * 10 + 10)]), perLine: 10))
    }
    let streamStart = DispatchTime.now().uptimeNanoseconds
    for bytes in documents {
        let decision = try pipeline.submit(bytes)
        precondition(decision.accepted, "\(decision)")
    }
    let stream = Double(DispatchTime.now().uptimeNanoseconds - streamStart) / 1e9
    print(
        String(
            format: "| stream of small shipments (10 codes each), one at a time | %.0f documents/s |",
            Double(streamCount) / stream))

    // The crypto ceiling of the machine in this run: two cores divided by the CPU time of one signature check
    // (a small signed document) and one receipt signature (the hub's key), each measured on one thread.
    let ceiling = try cryptoCeiling(
        documents: Array(documents.prefix(100)), verifier: verifier, hub: hubSigner, limits: limits,
        receipt: shipment("R-0", codes: Array(smallCodes.prefix(10)), perLine: 10))
    print(
        String(
            format:
                "| crypto ceiling: one signature check %.3f ms + one receipt signature %.3f ms → 2 cores ÷ %.3f ms | %.0f documents/s |",
            ceiling.check * 1e3, ceiling.sign * 1e3, (ceiling.check + ceiling.sign) * 1e3, ceiling.rate))

    // The same kind of stream over HTTP on loopback: login by signature, then 8 connections posting at once.
    // Rate limiting is off here: one token sending 600 documents is the load being measured, not abuse.
    let httpCodes = try prepare(6_000)
    let httpDocuments = try (0..<600).map { index in
        try signer.sign(shipment("H-\(index)", codes: Array(httpCodes[(index * 10)..<(index * 10 + 10)]), perLine: 10))
    }
    var quiet = Logger(label: "tanba.bench")
    quiet.logLevel = .error
    let api = HubAPI(pipeline: pipeline, verifier: verifier, limiter: RateLimiter(rate: 0), logger: quiet)
    let before = store.groupCommitStatistics
    let http = try measureHTTP(api: api, signer: signer, documents: httpDocuments, port: 18_471, clients: 8)
    let after = store.groupCommitStatistics
    print(
        String(
            format:
                "| the same over HTTP on loopback, 8 connections | %.0f documents/s (%.2f× in-process), p50 %.1f ms, p99 %.1f ms |",
            http.rate, http.rate / (Double(streamCount) / stream), http.p50, http.p99))
    print(
        String(
            format: "| CPU per document during the HTTP run (server and client, user + system) | %.2f ms |",
            http.cpuPerDocument))
    // The same with wrk as the client (peer tool, C, in its own process): distinct signed documents for 2 seconds,
    // 8 connections; the hub's own CPU per document is measured apart from the client's.
    if let wrk = which("wrk") {
        let wrkCodes = try prepare(60_000)
        let wrkDocuments = try (0..<6000).map { index in
            try signer.sign(
                shipment("W-\(index)", codes: Array(wrkCodes[(index * 10)..<(index * 10 + 10)]), perLine: 10))
        }
        let token = try loginSynchronously(base: "http://127.0.0.1:18471", signer: signer)
        let wrkSeconds = benchSetting("TANBA_BENCH_WRK_SECONDS", 2)
        let commitsBefore = store.groupCommitStatistics
        let figures = try measureWrk(
            wrk: wrk, base: "http://127.0.0.1:18471", token: token, documents: wrkDocuments, connections: 8,
            seconds: wrkSeconds, in: work)
        let commitsAfter = store.groupCommitStatistics
        precondition(figures.failures == 0, "wrk: \(figures.failures) of \(figures.requests) not accepted")
        print(
            String(
                format:
                    "| the same with wrk (peer client, 2 threads, 8 connections, %d s, %d documents) | %.0f documents/s (%.2f× in-process), p50 %.1f ms, p99 %.1f ms; %.1f transactions per commit; hub CPU %.2f ms per document |",
                wrkSeconds, figures.requests, figures.rate, figures.rate / (Double(streamCount) / stream), figures.p50,
                figures.p99,
                Double(commitsAfter.bodies - commitsBefore.bodies)
                    / Double(max(commitsAfter.batches - commitsBefore.batches, 1)), figures.hubCPUPerDocument))
        print(
            String(
                format: "| wrk's rate ÷ the crypto ceiling (target ≥ 0.5 on SQLite) | %.2f |",
                figures.rate / ceiling.rate))
    }
    // Submissions arriving together share a transaction (document, receipt, audit entry) and its sync.
    print(
        String(
            format: "| group commit during the HTTP run: transactions per commit (mean / largest) | %.1f / %d |",
            Double(after.bodies - before.bodies) / Double(max(after.batches - before.batches, 1)), after.largest))

    // The same measures on PostgreSQL, when a server is named (make bench starts a private one).
    if let server = ProcessInfo.processInfo.environment["TANBA_BENCH_POSTGRES"] {
        try postgresPipeline(
            server: server,
            tools: PipelineTools(
                schemas: schemas, verifier: verifier, reference: reference, hub: hubSigner, signer: signer,
                limits: limits, work: work, repository: repository),
            ceiling: ceiling.rate)
    }

    // A 10 MB accompanying document of 100,000 codes, posted with curl to the hub still running on that port, as an
    // ERP's script would, beside the same kind of document through the pipeline in-process. The codes have
    // 20-character serials (the longest GS1 allows) and the layout is an ERP export's (indented, 10 codes a
    // line), as in part 1. curl sends `Expect: 100-continue` for a body this size and waits up to 1 s for
    // `100 Continue` before sending it; the hub answers at once (ExpectContinueHandler). The same post with the
    // header switched off is the control: a stall would show as a second between the two.
    if let curl = which("curl") {
        let base = "http://127.0.0.1:18471"
        let long = CodeEmitter(key: EmissionKey.generate(), serialLength: 20)
        func large(_ number: String) throws -> [UInt8] {
            try signer.sign(
                shipment(number, codes: try prepare(100_000, using: long), perLine: 10, indent: "          "),
                limits: limits)
        }
        let local = try large("BIG-LOCAL")
        let localStart = DispatchTime.now().uptimeNanoseconds
        let localDecision = try pipeline.submit(local)
        let inProcess = Double(DispatchTime.now().uptimeNanoseconds - localStart) / 1e9
        precondition(localDecision.accepted, "\(localDecision)")
        print(
            String(
                format:
                    "| a %d kB accompanying document, 100,000 codes (20-character serials), in-process pipeline | %.2f s |",
                local.count / 1000, inProcess))
        let token = try loginSynchronously(base: base, signer: signer)
        for (index, expect) in [true, false].enumerated() {
            let bytes = try large("BIG-CURL-\(index)")
            let file = work.appendingPathComponent("big-curl-\(index).xml")
            try Data(bytes).write(to: file)
            let figures = try curlPost(
                curl, url: base + "/v1/documents", token: token, file: file, expectContinue: expect)
            precondition(figures.status == 200 && figures.accepted, "curl: HTTP \(figures.status)")
            let how = expect ? "curl's default Expect: 100-continue" : "Expect switched off (-H 'Expect:')"
            print(
                "| the same kind (\(bytes.count / 1000) kB) posted over HTTP with curl, \(how) | "
                    + String(format: "%.2f s (%.2f× in-process) |", figures.total, figures.total / inProcess))
        }
    }
}

// MARK: 5. GOST primitive beside the gost engine
// MARK: The public check on 1,000,000 codes (issue #14)
if parts.contains("public") {
    let referenceFolder = repository.appendingPathComponent("reference")
    let reference = try ReferenceData(
        files: try FileManager.default.contentsOfDirectory(at: referenceFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.map { ($0.lastPathComponent, try Data(contentsOf: $0)) })
    let hubSigner = try DocumentSigner(keyFile: pki.keyFile(.hub), certificateFile: pki.certificateFile(.hub))
    try runPublicCheckBench(
        pipeline: {
            DocumentPipeline(
                store: $0, schemas: schemas, verifier: verifier, reference: reference, hub: hubSigner, limits: limits)
        }, wrk: which("wrk"), folder: work, duration: 5, connections: 16)
}

if parts.contains("gost") {
    let engine = try GOSTEngineReference.rates()
    let ours = try GOSTPrimitiveRate.rates()
    print("\n## GOST 34.10-2012/2015 512-bit (paramSetA), Streebog-512, 64-byte message, one thread")
    print("| implementation | sign/s | verify/s |")
    print("|---|---|---|")
    print(String(format: "| Tanba (KazakhGOST on OpenSSL EC + gostprov) | %.0f | %.0f |", ours.sign, ours.verify))
    print(
        String(
            format: "| gost engine (libengine-gost-openssl 3.0.1), same run | %.0f | %.0f |", engine.sign, engine.verify
        ))
    print(
        String(
            format: "ratio Tanba / engine: sign %.2f, verify %.2f", ours.sign / engine.sign, ours.verify / engine.verify
        ))
}

// MARK: 6. Reading a label from a phone photo (LabelsBench.swift)
if parts.contains("labels") { try labelsBench(work: work) }

// MARK: The outbox's delivery to the EAEU simulator (issue #15)
if parts.contains("outbox") { try runOutboxBench(pki: pki, folder: work) }

// MARK: Fiscal intake of cash receipts (issue #15)
if parts.contains("fiscal") {
    let referenceFolder = repository.appendingPathComponent("reference")
    try runFiscalBench(
        pki: pki, folder: work, schemas: schemas, verifier: verifier,
        reference: try ReferenceData(
            files: try FileManager.default.contentsOfDirectory(at: referenceFolder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }.map { ($0.lastPathComponent, try Data(contentsOf: $0)) }),
        batches: benchSetting("TANBA_BENCH_FISCAL_BATCHES", 6), rounds: benchSetting("TANBA_BENCH_FISCAL_ROUNDS", 5))
}
// MARK: The Ministry of Finance export (issue #15)
if parts.contains("mof") { try runMoFBench(pki: pki, folder: work) }

/// Runs Benchmarks/sqlite/floor.sh and adds up the real time of its timed statements (seconds); nil without
/// sqlite3.
func sqliteFloor(_ script: URL) throws -> Double? {
    guard which("sqlite3") != nil else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    // sqlite3's `.timer on` prints "Run Time: real 0.123 user … sys …" per statement.
    return text.split(separator: "\n").compactMap { line -> Double? in
        guard line.hasPrefix("Run Time: real ") else { return nil }
        return Double(line.dropFirst("Run Time: real ".count).split(separator: " ").first ?? "")
    }.reduce(0, +)
}

/// The cost of the cryptography every small document needs, on one thread: its signature check and the
/// hub's receipt signature (seconds each), and what two cores could do if that were all (documents/s).
func cryptoCeiling(
    documents: [[UInt8]], verifier: SignatureVerifier, hub: DocumentSigner, limits: ParseLimits, receipt: [UInt8]
) throws -> (check: Double, sign: Double, rate: Double) {
    let parsed = try documents.map { try XMLDocument.parse($0, limits: limits) }
    var start = DispatchTime.now().uptimeNanoseconds
    for document in parsed { _ = try verifier.verify(document) }
    let check = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(parsed.count)
    start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<100 { _ = try hub.sign(receipt) }
    let sign = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / 100
    return (check, sign, 2 / (check + sign))
}

final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
