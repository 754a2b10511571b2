import Foundation
import TanbaErrors
import TanbaTestSupport
import Testing

@testable import TanbaXML

/// The trust store in force and its replacement: a fresh CRL checked and swapped in reaches every verifier built on
/// the anchor; a bad CRL is refused with its code; a stale CRL is a refusal of its own under `required`; verifications
/// running during swaps never fail for it.
@Suite struct TrustAnchorTests {
    /// A copy of the shared test PKI's CRL folder, which a swap may write.
    static func crlFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-crl-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.pki.crlDirectory, to: folder)
        return folder
    }

    static func store(_ crl: URL, revocation: TrustStore.RevocationPolicy = .required) throws -> TrustStore {
        try TrustStore(caDirectory: Fixtures.pki.trustDirectory, crlDirectory: crl, revocation: revocation)
    }

    /// A CRL of `ca` (the RSA intermediate unless said), full or, with `deltaOf`, delta.
    static func crl(
        of ca: String = "intermediate-ca", revoking: [TestPKI.Participant] = [], number: UInt64?,
        deltaOf: UInt64? = nil, removing: [TestPKI.Participant] = [], thisUpdate: Date = Date() - 60,
        nextUpdate: Date = Date() + 86_400
    ) throws -> [UInt8] {
        Array(
            try Fixtures.pki.revocationList(
                of: ca, revoking: revoking, thisUpdate: thisUpdate, nextUpdate: nextUpdate, number: number,
                deltaOf: deltaOf, removing: removing
            ).utf8)
    }

    /// The code `store` refuses the fetched `bytes` with; nil when they are taken or change nothing.
    static func refusal(_ bytes: [UInt8], by store: TrustStore) -> ErrorCode? {
        do {
            _ = try store.check(fetchedCRL: bytes, source: "test")
            return nil
        } catch let error as TanbaError {
            return error.code
        } catch {
            return .internal
        }
    }

    static func key(_ name: String) throws -> PrivateKey {
        try PrivateKey(pem: Array(try Data(contentsOf: Fixtures.pki.directory.appendingPathComponent(name))))
    }

    @Test func aFreshCRLSwappedInRevokesForDocumentsAndLoginsAndSurvivesARestart() throws {
        let folder = try Self.crlFolder()
        let anchor = TrustAnchor(try Self.store(folder))
        let documents = SignatureVerifier(trust: anchor)
        let logins = SignatureVerifier(trust: anchor, keyPurposes: [.signing, .authentication])
        let signed = try Fixtures.signed(by: .companyHead)
        #expect(Fixtures.verificationError(signed, verifier: documents) == nil)
        #expect(Fixtures.verificationError(signed, verifier: logins) == nil)

        let base = anchor.current
        let checked = try #require(
            try base.check(fetchedCRL: try Self.crl(revoking: [.revoked, .companyHead], number: 2), source: "test"))
        #expect(checked.info.number == "2" && checked.info.revoked == 2)
        #expect(anchor.replace(base, with: try base.replacing([checked])))
        // The chain validation cached before the swap no longer counts.
        #expect(Fixtures.verificationError(signed, verifier: documents) == .certRevoked)
        #expect(Fixtures.verificationError(signed, verifier: logins) == .certRevoked)
        #expect(Fixtures.verificationError(try Fixtures.signed(by: .companyEmployee), verifier: documents) == nil)
        // A swap built on a store no longer in force is refused (it would drop the newer CRLs).
        #expect(!anchor.replace(base, with: base))

        // On disk in the predecessor's file: a restart starts from it.
        let restarted = SignatureVerifier(trustStore: try Self.store(folder))
        #expect(Fixtures.verificationError(signed, verifier: restarted) == .certRevoked)
        #expect(try Self.store(folder).revocationListInfo.count == 4)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func everyBadCRLIsRefusedWithItsCodeAndChangesNothing() throws {
        let store = try Self.store(try Self.crlFolder())
        let now = Date()
        func code(_ bytes: [UInt8]) -> ErrorCode? { Self.refusal(bytes, by: store) }
        #expect(code(Array("not a CRL".utf8)) == .crlMalformed)
        #expect(code([0x30, 0x03, 0x02, 0x01, 0x01]) == .crlMalformed)
        let good = try Self.crl(number: 5)
        #expect(code(Array(good.dropLast(40))) == .crlMalformed, "a truncated CRL")
        #expect(code(good + good) == .crlMalformed, "two CRLs in one answer")
        // The intermediate's name with the root's signature: signed by another CA.
        let intermediate = try Certificate.load(
            contentsOf: Fixtures.pki.trustDirectory.appendingPathComponent("intermediate-ca.pem"))[0]
        let forged = try CertificateIssuer.revocationList(
            ca: intermediate, key: try Self.key("ca/root-ca.key.pem"), revoking: [], thisUpdate: now,
            nextUpdate: now + 3600, number: 9)
        #expect(code(Array(forged.utf8)) == .crlSignatureInvalid)
        let untrusted = try CertificateIssuer.revocationList(
            ca: try Certificate.load(
                contentsOf: Fixtures.pki.directory.appendingPathComponent("untrusted/untrusted-root-ca.pem"))[0],
            key: try Self.key("untrusted/untrusted-root-ca.key.pem"), revoking: [], thisUpdate: now,
            nextUpdate: now + 3600, number: 9)
        #expect(code(Array(untrusted.utf8)) == .crlIssuerUnknown)
        expectCode(.crlIssuerUnknown, "not the CA whose distribution point it is") {
            _ = try store.check(fetchedCRL: good, source: "test", expectedIssuer: "CN=Someone else")
        }
        // Older than the one held (number 1, issued two years ago) by number, even if issued later; and by thisUpdate
        // when the CRLs carry no number.
        let held = try #require(try store.check(fetchedCRL: try Self.crl(number: 4), source: "test"))
        let newer = try store.replacing([held])
        expectCode(.crlReplayed) { _ = try newer.check(fetchedCRL: try Self.crl(number: 3), source: "test") }
        expectCode(.crlReplayed) {
            _ = try newer.check(fetchedCRL: try Self.crl(number: 4, thisUpdate: now + 5), source: "test")
        }
        #expect(try newer.check(fetchedCRL: try Self.crl(number: 5), source: "test") != nil)
        let unnumbered = try newer.replacing([
            try #require(try store.check(fetchedCRL: try Self.crl(number: nil, thisUpdate: now), source: "test"))
        ])
        expectCode(.crlReplayed) {
            _ = try unnumbered.check(fetchedCRL: try Self.crl(number: nil, thisUpdate: now - 3600), source: "test")
        }
        // The same CRL again is nothing to change.
        #expect(try newer.check(fetchedCRL: Array(held.list.pem.utf8), source: "test") == nil)
        // Every refusal above left the stores as they were.
        #expect(try Self.store(try Self.crlFolder()).revocationListInfo.count == 4)
    }

    @Test func aStaleCRLIsItsOwnRefusalUnderRequiredAndReadUnderBestEffort() throws {
        let now = Date()
        let stale = try Self.crl(
            revoking: [.revoked], number: 2, thisUpdate: now - 2 * 86_400, nextUpdate: now - 86_400)
        let staleList = try TrustStore.loadCRLs(stale, name: "stale").map(RevocationList.init(owning:))
        let lists = Fixtures.trustStore.revocationLists.filter { $0.issuer != staleList[0].issuer } + staleList
        let required = try TrustStore(anchors: Fixtures.trustStore.anchors, crls: lists, revocation: .required)
        let lenient = try TrustStore(anchors: Fixtures.trustStore.anchors, crls: lists, revocation: .bestEffort)
        let signed = try Fixtures.signed(by: .companyHead)
        #expect(
            Fixtures.verificationError(signed, verifier: SignatureVerifier(trustStore: required)) == .certCRLExpired)
        #expect(Fixtures.verificationError(signed, verifier: SignatureVerifier(trustStore: lenient)) == nil)
        // Best effort still reads the stale CRL: what it lists stays revoked.
        #expect(
            Fixtures.verificationError(
                try Fixtures.signed(by: .revoked), verifier: SignatureVerifier(trustStore: lenient))
                == .certRevoked)
        #expect(required.revocationListInfo.contains { $0.isStale(at: now) })
    }

    @Test(.blocking) func verificationsDuringRepeatedSwapsNeverFailSpuriously() throws {
        let folder = try Self.crlFolder()
        let anchor = TrustAnchor(try Self.store(folder))
        let verifier = SignatureVerifier(trust: anchor)
        let signed = try Fixtures.signed(by: .companyEmployee)
        let revoked = try Fixtures.signed(by: .revoked)
        // Stores that all revoke `revoked` and never `companyEmployee`, built ahead (no disk writes in the loop).
        var stores: [TrustStore] = [anchor.current]
        for number in 2...5 {
            let crl = try #require(
                try stores[0].check(fetchedCRL: try Self.crl(revoking: [.revoked], number: UInt64(number)), source: "t")
            )
            stores.append(try stores[0].replacing([crl]))
        }
        let failures = SwapFailures()
        let group = DispatchGroup()
        for thread in 0..<4 {
            group.enter()
            Thread {
                for index in 0..<150 {
                    let expected: ErrorCode? = index % 3 == 0 ? .certRevoked : nil
                    let got = Fixtures.verificationError(index % 3 == 0 ? revoked : signed, verifier: verifier)
                    if got != expected { failures.add("thread \(thread) #\(index): \(String(describing: got))") }
                }
                group.leave()
            }.start()
        }
        var swaps = 0
        while group.wait(timeout: .now()) == .timedOut {
            let current = anchor.current
            let next = stores[(swaps + 1) % stores.count]
            if anchor.replace(current, with: next) { swaps += 1 }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(5))")
        #expect(swaps > 10, "the loop swapped \(swaps) times")
    }

    @Test func distributionPointsComeFromCertificatesAndFromSignersSeen() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-dp-\(UUID().uuidString)")
        let pki = try TestPKI.create(at: directory, crlBaseURL: "http://127.0.0.1:9/crl/")
        let head = try Certificate.load(contentsOf: pki.certificateFile(.companyHead))[0]
        #expect(head.crlDistributionPoints == ["http://127.0.0.1:9/crl/intermediate-ca.crl"])
        #expect(head.freshestCRL == ["http://127.0.0.1:9/crl/intermediate-ca-delta.crl"])
        let anchor = TrustAnchor(try TrustStore(caDirectory: pki.trustDirectory, crlDirectory: pki.crlDirectory))
        let root = try Certificate.load(contentsOf: pki.trustDirectory.appendingPathComponent("root-ca.pem"))[0]
        #expect(
            anchor.distributionPoints[root.subject]
                == ["http://127.0.0.1:9/crl/root-ca.crl", "http://127.0.0.1:9/crl/root-ca-delta.crl"])
        #expect(anchor.distributionPoints[head.issuer] == nil)
        let signer = try DocumentSigner(
            keyFile: pki.keyFile(.companyHead), certificateFile: pki.certificateFile(.companyHead))
        _ = try SignatureVerifier(trust: anchor).verify(try XMLDocument.parse(try signer.sign(Fixtures.validShipment)))
        // The delta CRLs' point (Freshest CRL, 2.5.29.46) too.
        #expect(
            anchor.distributionPoints[head.issuer]
                == ["http://127.0.0.1:9/crl/intermediate-ca.crl", "http://127.0.0.1:9/crl/intermediate-ca-delta.crl"])
    }
}

/// Messages collected from several threads.
final class SwapFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
