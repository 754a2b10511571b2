import Dispatch
import Foundation
import TanbaXML
import Testing

/// One signer shared by many threads, as the hub's receipt signer is: every decision signs its receipt on its own
/// thread, outside the write. Each signature must verify, and nothing may corrupt memory (a corruption shows
/// as an abort of the whole test process, often only when a thread exits).
@Suite struct ConcurrentSigningTests {
    @Test(arguments: [TestPKI.Participant.hub, .companyHead, .gostCompanyHead])
    func oneSignerSharedByEightThreadsSignsEveryDocumentCorrectly(participant: TestPKI.Participant) throws {
        let signer = try Fixtures.signer(participant)
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<40 {
                do {
                    let signed = try signer.sign(Fixtures.validShipment)
                    _ = try Fixtures.verifier.verify(try XMLDocument.parse(signed))
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ failure: String) { lock.withLock { list.append(failure) } }
    var all: [String] { lock.withLock { list } }
}
