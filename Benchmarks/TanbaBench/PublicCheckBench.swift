import Foundation
import Logging
import TanbaCore
import TanbaDomain
import TanbaEmission
import TanbaHTTP
import TanbaPipeline
import TanbaSQLite
import TanbaStore
import TanbaXML

/// `tanba-bench public`: the public check (`GET /v1/public/check`) on a store of 1,000,000 codes, driven by wrk on
/// loopback with random existing and unknown codes, beside the hub's own `/healthz` measured the same way in the
/// same run (the floor: the same server, middleware and connections, no work).
///
/// The store: 1,000,000 codes of one footwear product in the national 91 + 92 format, 600,000 of them introduced by one
/// introduction document (its origin kept, as the pipeline keeps it). The codes asked for: 80% scanned in full
/// (GS-separated, with their tails), of which a quarter not introduced; 20% made up with a valid key id and a
/// random tail (forged, never issued). Every check is journalled, as in service.
func runPublicCheckBench(
    pipeline makePipeline: (any HubStore) -> DocumentPipeline, wrk: String?, folder: URL, duration: Int,
    connections: Int
) throws {
    print("\n## The public check (wrk on loopback, \(connections) connections, \(duration) s each)")
    guard let wrk else {
        print("(wrk not found: `make bench-deps` installs it)")
        return
    }
    let store = try SQLiteStore(path: folder.appendingPathComponent("public.sqlite").path)
    try BenchParties.register(in: store)
    // Footwear: 13-character serials (water's six would collide in a million codes), AI 91 + 92.
    let gtin = "04870001000028"
    try store.write {
        try $0.save([
            try ProductCard(
                gtin: gtin, name: "Етік", brand: "Tanba", manufacturer: "ТОО «Алатау»", tnved: "6403",
                productGroup: "shoes", country: "KZ")
        ])
    }
    let pipeline = makePipeline(store)
    let format = pipeline.reference.codeFormat(ofGroup: "shoes")!
    let key = EmissionKey.generate()
    try store.write { try $0.save(StoredEmissionKey(id: key.id, secret: key.exported, createdAt: key.createdAt)) }
    let emitter = CodeEmitter(key: key, format: format)
    let ledger = Ledger(store: store)
    var sample: [String] = []
    let fill = try seconds {
        // TANBA_BENCH_PUBLIC_BATCHES (of 100,000; 10 by default) makes a smaller store for profiling.
        let batches = benchSetting("TANBA_BENCH_PUBLIC_BATCHES", 10)
        for batch in 0..<batches {
            let codes = try emitter.issue(gtin: gtin, count: 100_000, owner: BenchParties.seller, at: Date())
            try ledger.issue(codes, order: "ORDER-PUBLIC-\(batch)")
            if batch < (batches * 6 + 9) / 10 {
                let ids = codes.map(\.id)
                _ = try ledger.perform(.apply(by: BenchParties.seller), on: ids, document: "APP", at: Date())
                _ = try ledger.perform(.introduce(by: BenchParties.seller), on: ids, document: "DOC-INTRO", at: Date())
            }
            // Every 50th code, scanned in full: 20,000 to ask for, 40% of them from the codes never introduced.
            sample += codes.enumerated().filter { $0.offset % 50 == 0 }.map { GS1.raw(format.elements(of: $0.element)) }
        }
        try store.write {
            try $0.save([
                GoodsOrigin(
                    document: "DOC-INTRO", gtin: gtin, kind: .production, introducer: BenchParties.seller,
                    productionDate: "2026-11-01", expiryDate: "2027-11-01", batch: "B-1")
            ])
        }
    }
    print(String(format: "(filling 1,000,000 codes took %.1f s)", fill))
    // The bulk fill leaves a write-ahead log of tens of megabytes that the first commits of the run would copy
    // back; a store in service has it copied bit by bit by SQLite's automatic checkpoints.
    try store.checkpoint()
    // Forged: the serial format and key id right, the tail random.
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    for _ in 0..<(sample.count / 4) {
        let serial = emitter.randomSerial(using: &generator)
        let tail = String((0..<emitter.tailLength).map { _ in alphabet.randomElement(using: &generator)! })
        sample.append("01\(gtin)21\(serial)\u{1D}91\(key.id)\u{1D}92\(tail)")
    }
    sample.shuffle()
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let list = folder.appendingPathComponent("codes.txt")
    try Data(
        sample.map { "/v1/public/check?code=" + $0.addingPercentEncoding(withAllowedCharacters: allowed)! }
            .joined(separator: "\n").utf8
    ).write(to: list)
    // In-process, one thread: the core's check alone, then with its answer encoded as the API sends it.
    let core = HubCore(pipeline: pipeline)
    let probe = Array(sample.prefix(20_000))
    // TANBA_BENCH_PUBLIC_REPEAT runs the in-process pass that many times (for a profiler; 1 by default).
    let repeats = benchSetting("TANBA_BENCH_PUBLIC_REPEAT", 1)
    let coreSeconds =
        try seconds {
            for _ in 0..<repeats { for text in probe { _ = try core.publicCheck(text, address: "127.0.0.1") } }
        } / Double(repeats)
    let checks = try probe.map { try core.checker.check($0) }
    // The answer's JSON as the route writes it.
    let encodeSeconds = seconds { for check in checks { _ = check.jsonBytes } }
    core.journal.flush()
    print(
        String(
            format: "(in-process, one thread: the core's check %.1f µs, its JSON %.1f µs)",
            coreSeconds / Double(probe.count) * 1e6, encodeSeconds / Double(probe.count) * 1e6))
    var quiet = Logger(label: "tanba.bench.public")
    quiet.logLevel = .error
    // The public bucket stays on, with a rate one address cannot reach: its cost is in the figure.
    let api = HubAPI(
        pipeline: pipeline, verifier: pipeline.verifier, limiter: RateLimiter(rate: 0),
        publicLimiter: RateLimiter(rate: 1e9, burst: 1e9), logger: quiet)
    let port = 18_000 + Int(getpid() % 1000)
    let server = api.application(host: "127.0.0.1", port: port)
    Task {
        do { try await server.runService() } catch { fatalError("the hub cannot serve on port \(port): \(error)") }
    }
    let base = "http://127.0.0.1:\(port)"
    var ready = false
    for _ in 0..<100 where !ready {
        // Foundation on Linux reads no http URL: curl asks.
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: which("curl") ?? "/usr/bin/curl")
        probe.arguments = ["-sf", "-o", "/dev/null", base + "/healthz"]
        try probe.run()
        probe.waitUntilExit()
        ready = probe.terminationStatus == 0
        if !ready { Thread.sleep(forTimeInterval: 0.05) }
    }
    precondition(ready, "the hub did not start on \(base)")
    let script = folder.appendingPathComponent("public.lua")
    try Data(
        """
        -- A random line of the list per request (or /healthz when the list is "-"); non-200 answers are counted.
        local threads = {}
        function setup(thread) table.insert(threads, thread) end
        function init(args)
          paths = {}
          if args[1] ~= "-" then
            for line in io.lines(args[1]) do paths[#paths + 1] = line end
          end
          failures = 0
          math.randomseed(os.time() + tonumber(string.sub(tostring({}), 8), 16) % 100000)
        end
        function request()
          if #paths == 0 then return wrk.format("GET", "/healthz") end
          return wrk.format("GET", paths[math.random(#paths)])
        end
        function response(status, headers, body)
          if status ~= 200 then failures = failures + 1 end
        end
        function done(summary, latency, requests)
          local failed = 0
          for _, thread in ipairs(threads) do failed = failed + thread:get("failures") end
          io.write(string.format("TANBA %d %d %.3f %.3f %.3f\\n", summary.requests, failed,
            summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
        end

        """.utf8
    ).write(to: script)
    func run(_ listFile: String) throws -> (requests: Int, failures: Int, rate: Double, p50: Double, p99: Double) {
        try wrkSummary(
            wrk,
            [
                "-t", "2", "-c", "\(connections)", "-d", "\(duration)s", "--timeout", "5s", "-s", script.path, base,
                "--", listFile,
            ])
    }
    // Warm both paths (caches, connections), then measure the floor and the check back to back, four times: this
    // machine's speed moves by a quarter from one minute to the next, and the ratio of neighbours moves less.
    _ = try run("-")
    _ = try run(list.path)
    print("| measure | requests/s | p50 ms | p99 ms | failures |")
    print("|---|---|---|---|---|")
    var ratios: [Double] = []
    for round in 1...4 {
        let floor = try run("-")
        let check = try run(list.path)
        print(
            String(
                format: "| round %d: /healthz | %.0f | %.2f | %.2f | %d |", round, floor.rate, floor.p50, floor.p99,
                floor.failures))
        print(
            String(
                format: "| round %d: /v1/public/check | %.0f | %.2f | %.2f | %d of %d |", round, check.rate, check.p50,
                check.p99, check.failures, check.requests))
        ratios.append(check.rate / floor.rate)
    }
    api.core.journal.flush()
    let journalled = try store.read { tx in try tx.violations(ViolationFilter(limit: 500)).reports.count }
    let sorted = ratios.sorted()
    print(
        String(
            format: "| check ÷ /healthz (target ≥ 0.4) | %@ (median %.2f) | | | |",
            ratios.map { String(format: "%.2f", $0) }.joined(separator: ", "),
            (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2))
    print(
        "(journal: \(api.core.journal.counts.dropped) checks dropped, \(api.core.journal.counts.failed) batches failed; "
            + "\(journalled) signals in the inspectors' list)")
}
