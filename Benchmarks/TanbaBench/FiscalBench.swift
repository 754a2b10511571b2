import Foundation
import TanbaDomain
import TanbaEmission
import TanbaPipeline
import TanbaPostgres
import TanbaSQLite
import TanbaStore
import TanbaXML

/// `tanba-bench fiscal`: the fiscal data intake of cash receipts (parse, XSD, the OFD's signature, authority,
/// every code read, decided on a snapshot, applied durably with the receipts, lines and audit entry), beside the
/// floor: the ledger's own rate for the same withdrawals, `Ledger.perform(.withdraw…)` of as many codes in one
/// transaction, on the same kind of store in the same run. Lines/s each, and their ratio (target ≥ 0.5).
func runFiscalBench(
    pki: TestPKI, folder: URL, schemas: SchemaSet, verifier: SignatureVerifier, reference: ReferenceData,
    batches: Int = 6, receipts: Int = 500, lines: Int = 4
) throws {
    let perBatch = receipts * lines
    print(
        "\n## Fiscal intake of cash receipts (\(batches) batches of \(receipts) receipts × \(lines) lines = "
            + "\(batches * perBatch) codes; the floor: the same number of withdrawals, \(perBatch) per transaction)")
    print(
        "| store | intake lines/s, one OFD at a time | two OFDs at once | ledger withdrawals/s (floor) "
            + "| intake ÷ floor, one at a time | two at once (target ≥ 0.5) |")
    print("|---|---|---|---|---|---|")
    var stores: [(String, () throws -> any HubStore)] = [
        ("SQLite", { try SQLiteStore(path: folder.appendingPathComponent("fiscal-\(UUID().uuidString).sqlite").path) })
    ]
    if let server = ProcessInfo.processInfo.environment["TANBA_BENCH_POSTGRES"] {
        stores.append(
            ("PostgreSQL", { try PostgresStore(url: try freshDatabase(server, named: "tanba_bench_fiscal")) }))
    }
    let shop = "050140001238"
    let shoes = "04870001000073"
    let format = reference.codeFormat(ofGroup: "shoes")!
    let hub = try DocumentSigner(keyFile: pki.keyFile(.hub), certificateFile: pki.certificateFile(.hub))
    let ofdSigner = try DocumentSigner(keyFile: pki.keyFile(.ofd), certificateFile: pki.certificateFile(.ofd))
    for (name, open) in stores {
        let store = try open()
        try store.write { tx in
            try tx.save(
                try Participant(
                    id: shop, name: "ТОО «Алатау Дистрибьюшн»", isOrganisation: true, roles: [.retailer],
                    productGroups: ["shoes"]))
            try tx.save(
                try Participant(id: TestPKI.ofdBIN, name: "ТОО «Тест ОФД»", isOrganisation: true, roles: [.ofd]))
            try tx.save([
                try ProductCard(
                    gtin: shoes, name: "Етік", manufacturer: "ТОО", tnved: "6403990000", productGroup: "shoes",
                    country: "KZ")
            ])
        }
        let emitter = CodeEmitter(key: EmissionKey.generate(), format: format)
        let ledger = Ledger(store: store)
        func inCirculation(_ count: Int) throws -> [CodeRecord] {
            var result: [CodeRecord] = []
            for _ in stride(from: 0, to: count, by: 5_000) {
                let issued = try emitter.issue(
                    gtin: shoes, count: min(5_000, count - result.count), owner: shop, at: Date())
                try ledger.issue(issued, order: "ORDER-\(UUID().uuidString.prefix(8))")
                _ = try ledger.perform(.apply(by: shop), on: issued.map(\.id), document: "APP", at: Date())
                _ = try ledger.perform(.introduce(by: shop), on: issued.map(\.id), document: "INTRO", at: Date())
                result += issued
            }
            return result
        }
        let floorCodes = try inCirculation(batches * perBatch)
        // Two sets of receipts: one submitted batch after batch, the other by two OFDs at once.
        let intakeCodes = try inCirculation(2 * batches * perBatch)
        // The batches, signed before the clock starts (an OFD signs them, not the hub).
        var sign: UInt64 = 1
        let signed = try (0..<(2 * batches)).map { batch -> [UInt8] in
            var xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <FiscalReceipts xmlns="urn:kz:tanba:fiscal-receipts:1" version="1.0">
                <BatchId>BENCH-\(batch)</BatchId><Operator>\(TestPKI.ofdBIN)</Operator><Receipts>

                """
            for receipt in 0..<receipts {
                xml += "<Receipt><Register><RegistrationNumber>620300012345</RegistrationNumber></Register>"
                xml += "<FiscalSign>\(sign)</FiscalSign><DateTime>2026-11-25T14:03:12+05:00</DateTime>"
                xml += "<Seller>\(shop)</Seller><Kind>sale</Kind><Lines>"
                sign += 1
                for line in 0..<lines {
                    let record = intakeCodes[batch * perBatch + receipt * lines + line]
                    xml += "<Line><Code>\(XMLText.escape(GS1.bracketed(format.elements(of: record))))</Code>"
                    xml += "<Price>1250.00</Price><Quantity>1</Quantity></Line>"
                }
                xml += "</Lines></Receipt>\n"
            }
            xml += "</Receipts></FiscalReceipts>\n"
            return try ofdSigner.sign(Array(xml.utf8), limits: ParseLimits(maxBytes: 64 << 20))
        }
        let pipeline = DocumentPipeline(
            store: store, schemas: schemas, verifier: verifier, reference: reference, hub: hub,
            limits: ParseLimits(maxBytes: 64 << 20))
        let intake = FiscalIntake(pipeline: pipeline)
        @Sendable func submit(_ batch: [UInt8]) {
            do {
                let answer = try intake.submit(batch) { facts in
                    Audit.Event(channel: "bench", action: "fiscal-receipts", object: facts.batch, result: facts.result)
                }
                precondition(answer.applied == receipts && answer.violations == 0, answer.outcome)
            } catch { fatalError("\(error)") }
        }
        var start = DispatchTime.now().uptimeNanoseconds
        for batch in signed[0..<batches] { submit(batch) }
        let intakeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // Two OFDs at once, as the HTTP endpoint takes them: one batch's verification and decision run while the
        // other's is written (each batch is decided on its snapshot and applied by the store's one writer).
        start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: 2) { ofd in
            for batch in stride(from: batches + ofd, to: 2 * batches, by: 2) { submit(signed[batch]) }
        }
        let concurrentSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        start = DispatchTime.now().uptimeNanoseconds
        for batch in 0..<batches {
            let ids = floorCodes[(batch * perBatch)..<((batch + 1) * perBatch)].map(\.id)
            _ = try ledger.perform(
                .withdraw(by: shop, reason: .retailSale), on: ids, document: "FLOOR-\(batch)", at: Date())
        }
        let floorSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let total = Double(batches * perBatch)
        print(
            String(
                format: "| %@ | %.0f | %.0f | %.0f | %.2f | %.2f |", name, total / intakeSeconds,
                total / concurrentSeconds, total / floorSeconds, floorSeconds / intakeSeconds,
                floorSeconds / concurrentSeconds))
    }
}
