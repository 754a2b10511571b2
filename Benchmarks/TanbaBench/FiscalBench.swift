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
    batches: Int = 6, rounds: Int = 5, receipts: Int = 500, lines: Int = 4
) throws {
    let perBatch = receipts * lines
    print(
        "\n## Fiscal intake of cash receipts (\(rounds) rounds, each: \(batches) batches of \(receipts) receipts × "
            + "\(lines) lines one OFD at a time, as many from two OFDs at once, then the floor: the same number of "
            + "withdrawals, \(perBatch) per transaction, as one document and as a document per receipt; medians of "
            + "the rounds, the ratios' range in brackets)")
    print(
        "| store | intake lines/s, one OFD at a time | two OFDs at once | ledger withdrawals/s, one document (floor) "
            + "| a document per receipt | intake ÷ floor, one at a time | two at once (target ≥ 0.5) "
            + "| two at once ÷ the ledger's rate with a document per receipt |")
    print("|---|---|---|---|---|---|---|---|")
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
        let floorCodes = try inCirculation(rounds * batches * perBatch)
        // The same withdrawals as the ledger would record the receipts: a document (and history entry) per receipt.
        let receiptFloorCodes = try inCirculation(rounds * batches * perBatch)
        // Two sets of receipts a round: one submitted batch after batch, the other by two OFDs at once.
        let intakeCodes = try inCirculation(rounds * 2 * batches * perBatch)
        // The batches, signed before the clock starts (an OFD signs them, not the hub).
        var sign: UInt64 = 1
        let signed = try (0..<(rounds * 2 * batches)).map { batch -> [UInt8] in
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
        func seconds(_ work: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try work()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        // In rounds, each the three measures one after the other, and the medians of the rounds: this machine's speed
        // moves by half within a minute, so measures taken minutes apart (one long phase each) compared different
        // machines — the floor alone moved from 63,000 to 124,000 withdrawals/s between runs of one build.
        var measures: [(intake: Double, concurrent: Double, floor: Double, receiptFloor: Double)] = []
        for round in 0..<rounds {
            let first = round * 2 * batches
            let intakeSeconds = seconds { for batch in signed[first..<(first + batches)] { submit(batch) } }
            // Two OFDs at once, as the HTTP endpoint takes them: one batch's verification and decision run while the
            // other's is written (each batch is decided on its snapshot and applied by the store's one writer).
            let concurrentSeconds = seconds {
                DispatchQueue.concurrentPerform(iterations: 2) { ofd in
                    for batch in stride(from: first + batches + ofd, to: first + 2 * batches, by: 2) {
                        submit(signed[batch])
                    }
                }
            }
            let floorSeconds = try seconds {
                for batch in (round * batches)..<((round + 1) * batches) {
                    let ids = floorCodes[(batch * perBatch)..<((batch + 1) * perBatch)].map(\.id)
                    _ = try ledger.perform(
                        .withdraw(by: shop, reason: .retailSale), on: ids, document: "FLOOR-\(batch)", at: Date())
                }
            }
            let receiptFloorSeconds = try seconds {
                for batch in (round * batches)..<((round + 1) * batches) {
                    try store.write { tx in
                        for receipt in 0..<receipts {
                            let start = batch * perBatch + receipt * lines
                            _ = try Ledger.perform(
                                .withdraw(by: shop, reason: .retailSale),
                                on: receiptFloorCodes[start..<(start + lines)].map(\.id),
                                document: "FR-FLOOR-\(batch)-\(receipt)", at: Date(), in: tx)
                        }
                    }
                }
            }
            measures.append((intakeSeconds, concurrentSeconds, floorSeconds, receiptFloorSeconds))
        }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1
                ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let count = Double(batches * perBatch)
        let oneRatios = measures.map { $0.floor / $0.intake }
        let twoRatios = measures.map { $0.floor / $0.concurrent }
        let receiptRatios = measures.map { $0.receiptFloor / $0.concurrent }
        print(
            String(
                format: "| %@ | %.0f | %.0f | %.0f | %.0f | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) |",
                name, median(measures.map { count / $0.intake }), median(measures.map { count / $0.concurrent }),
                median(measures.map { count / $0.floor }), median(measures.map { count / $0.receiptFloor }),
                median(oneRatios), oneRatios.min()!, oneRatios.max()!, median(twoRatios), twoRatios.min()!,
                twoRatios.max()!, median(receiptRatios), receiptRatios.min()!, receiptRatios.max()!))
    }
}
