import Foundation
import Logging
import TanbaDomain
import TanbaEmission
import TanbaHTTP
import TanbaPipeline
import TanbaPostgres
import TanbaStore
import TanbaXML

/// What the pipeline measures need, handed from the benchmark's top level.
struct PipelineTools {
    let schemas: SchemaSet
    let verifier: SignatureVerifier
    let reference: ReferenceData
    let hub: DocumentSigner
    let signer: DocumentSigner
    let limits: ParseLimits
    let work: URL
    let repository: URL
}

/// An accompanying document from the benchmark's seller to its buyer: `codes` in lines of `perLine`, 100.00 each,
/// no VAT; `indent` before each code as an ERP's export has it.
func shipmentXML(_ number: String, codes: [String], perLine: Int, indent: String = "") -> [UInt8] {
    var xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Shipment xmlns="urn:kz:tanba:shipment:1" version="1.0">
          <Header><DocumentNumber>\(number)</DocumentNumber><DocumentDate>2026-11-20</DocumentDate>
            <ShipmentDate>2026-11-20</ShipmentDate>
            <Seller><BIN>\(BenchParties.seller)</BIN><Name>ТОО</Name></Seller><Buyer><BIN>\(BenchParties.buyer)</BIN><Name>ТОО</Name></Buyer>
            <Currency>KZT</Currency></Header>
          <Lines>

        """
    var line = 0
    for start in stride(from: 0, to: codes.count, by: perLine) {
        line += 1
        let chunk = codes[start..<min(start + perLine, codes.count)]
        xml +=
            "<Line number=\"\(line)\"><GTIN>\(BenchParties.gtin)</GTIN><Name>Су</Name><Quantity>\(chunk.count)</Quantity>"
        xml += "<UnitPrice>100.00</UnitPrice><VATRate>NoVAT</VATRate><VATAmount>0.00</VATAmount>"
        xml += "<Amount>\(chunk.count * 100).00</Amount><Items>\n"
        for code in chunk { xml += "\(indent)<Code>\(code)</Code>\n" }
        xml += "</Items></Line>\n"
    }
    xml += "</Lines><Totals><Quantity>\(codes.count)</Quantity><VATAmount>0.00</VATAmount>"
    xml += "<Amount>\(codes.count * 100).00</Amount></Totals></Shipment>\n"
    return Array(xml.utf8)
}

/// The participants and product of the pipeline measures.
enum BenchParties {
    static let seller = "050140001238"
    static let buyer = "031240500125"
    static let gtin = "04870001000011"

    /// Registers both participants and the product in `store`.
    static func register(in store: any HubStore) throws {
        try store.write { tx in
            try tx.save(
                try Participant(
                    id: seller, name: "ТОО «Алатау Дистрибьюшн»", isOrganisation: true,
                    roles: [.producer, .wholesaler], productGroups: ["water"]))
            try tx.save(
                try Participant(
                    id: buyer, name: "ТОО «Шымкент Сауда»", isOrganisation: true, roles: [.wholesaler],
                    productGroups: ["water"]))
            try tx.save([
                try ProductCard(
                    gtin: gtin, name: "Су", manufacturer: "ТОО", tnved: "2201101100", productGroup: "water",
                    country: "KZ")
            ])
        }
    }

    /// `count` codes issued, applied and introduced into circulation, owned by the seller.
    static func circulating(_ count: Int, in store: any HubStore, emitter: CodeEmitter) throws -> [String] {
        let ledger = Ledger(store: store)
        let codes = try emitter.issue(gtin: gtin, count: count, owner: seller, at: Date())
        try ledger.issue(codes, order: "ORDER-\(UUID().uuidString)")
        let ids = codes.map(\.id)
        _ = try ledger.perform(.apply(by: seller), on: ids, document: "APP", at: Date())
        _ = try ledger.perform(.introduce(by: seller), on: ids, document: "INTRO", at: Date())
        return ids
    }
}

/// A new, empty database on the server `url` names (its path replaced), dropped first if it exists.
func freshDatabase(_ url: String, named name: String) throws -> String {
    for sql in ["DROP DATABASE IF EXISTS \(name)", "CREATE DATABASE \(name)"] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql]
        try process.run()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "psql could not run \(sql)")
    }
    guard let slash = url.range(of: "/", options: .backwards) else { fatalError("not a database URL: \(url)") }
    return url[..<slash.upperBound] + name
}

/// pgbench's floors on a migrated, empty database (Benchmarks/postgres/floor.sh): seconds for one 100,000-code
/// document's store work, and transactions/s of small documents' store work on 8 clients.
func pgbenchFloors(script: URL, database: String) throws -> (large: Double, small: Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script.path, database]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "floor.sh failed: \(text)")
    var figures: [String: Double] = [:]
    for line in text.split(separator: "\n") {
        let fields = line.split(separator: " ")
        if fields.count == 2, let value = Double(fields[1]) { figures[String(fields[0])] = value }
    }
    return (figures["large"] ?? .nan, figures["small"] ?? .nan)
}

/// The pipeline's measures on PostgreSQL (the server `server` names, e.g. scripts/postgres.sh's): the
/// 100,000-code document beside parse + XSD + signature and pgbench's floor, and small documents over HTTP with
/// wrk beside the crypto ceiling and pgbench's floor, all in this run.
func postgresPipeline(server: String, tools: PipelineTools, ceiling: Double) throws {
    let store = try PostgresStore(url: try freshDatabase(server, named: "tanba_bench_hub"))
    let floorDatabase = try freshDatabase(server, named: "tanba_bench_floor")
    _ = try PostgresStore(url: floorDatabase).appliedMigrations()  // the hub's own schema for the floor
    try BenchParties.register(in: store)
    let pipeline = DocumentPipeline(
        store: store, schemas: tools.schemas, verifier: tools.verifier, reference: tools.reference, hub: tools.hub,
        limits: tools.limits)
    let emitter = CodeEmitter(key: EmissionKey.generate())
    print("\n## The document pipeline on PostgreSQL (\(store.location))")
    print("| measure | figure |")
    print("|---|---|")
    let floors = try pgbenchFloors(
        script: tools.repository.appendingPathComponent("Benchmarks/postgres/floor.sh"), database: floorDatabase)

    let big = try tools.signer.sign(
        shipmentXML(
            "PG-BIG-1", codes: try BenchParties.circulating(100_000, in: store, emitter: emitter), perLine: 100),
        limits: tools.limits)
    let baselineStart = DispatchTime.now().uptimeNanoseconds
    func baselineCheck() throws {
        let document = try XMLDocument.parse(big, limits: tools.limits)
        try tools.schemas.validate(document)
        _ = try tools.verifier.verify(document)
    }
    try baselineCheck()
    let baseline = Double(DispatchTime.now().uptimeNanoseconds - baselineStart) / 1e9
    let fullStart = DispatchTime.now().uptimeNanoseconds
    let decision = try pipeline.submit(big)
    let full = Double(DispatchTime.now().uptimeNanoseconds - fullStart) / 1e9
    precondition(decision.accepted, "\(decision)")
    print(String(format: "| accompanying document, 100,000 codes: parse + XSD + signature alone | %.2f s |", baseline))
    print(
        String(
            format:
                "| pgbench floor: the store work of that document (Benchmarks/postgres/large.sql, one transaction) | %.2f s |",
            floors.large))
    print(
        String(
            format:
                "| the same through the whole pipeline on PostgreSQL | %.2f s (%.2f× parse + XSD + signature + floor) |",
            full, full / (baseline + floors.large)))

    // Small documents over HTTP: 8 connections of wrk, each answer durable.
    guard let wrk = which("wrk") else { return }
    let codes = try BenchParties.circulating(40_000, in: store, emitter: emitter)
    let documents = try (0..<4000).map { index in
        try tools.signer.sign(
            shipmentXML("PG-W-\(index)", codes: Array(codes[(index * 10)..<(index * 10 + 10)]), perLine: 10))
    }
    var quiet = Logger(label: "tanba.bench.postgres")
    quiet.logLevel = .error
    let api = HubAPI(pipeline: pipeline, verifier: tools.verifier, limiter: RateLimiter(rate: 0), logger: quiet)
    let server = api.application(host: "127.0.0.1", port: 18_472)
    Task {
        do { try await server.runService() } catch { fatalError("the hub cannot serve on port 18472: \(error)") }
    }
    var token: String?
    for _ in 0..<100 where token == nil {
        token = try? loginSynchronously(base: "http://127.0.0.1:18472", signer: tools.signer)
        if token == nil { usleep(50_000) }
    }
    let figures = try measureWrk(
        wrk: wrk, base: "http://127.0.0.1:18472", token: token!, documents: documents, connections: 8, seconds: 2,
        in: tools.work.appendingPathComponent("pg"))
    precondition(figures.failures == 0, "wrk: \(figures.failures) of \(figures.requests) not accepted")
    print(
        String(
            format:
                "| small shipments (10 codes) over HTTP, wrk 8 connections 2 s (%d documents) | %.0f documents/s, p50 %.1f ms, p99 %.1f ms; hub CPU %.2f ms per document |",
            figures.requests, figures.rate, figures.p50, figures.p99, figures.hubCPUPerDocument))
    print(
        String(
            format: "| pgbench floor: small documents' store work (small.sql, 8 clients, 5 s) | %.0f transactions/s |",
            floors.small))
    print(
        String(
            format:
                "| wrk's rate ÷ the crypto ceiling (target ≥ 0.35 on PostgreSQL); ÷ the pgbench floor | %.2f; %.2f |",
            figures.rate / ceiling, figures.rate / floors.small))
}
