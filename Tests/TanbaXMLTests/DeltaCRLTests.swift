import Foundation
import TanbaErrors
import TanbaTestSupport
import Testing

@testable import TanbaXML

/// Delta CRLs (RFC 5280 §5.2.4), as NCA publishes them hourly between its daily full CRLs: a good delta revokes at
/// once for RSA chains (OpenSSL) and GOST chains (`KazakhChainValidator`) alike, on top of its full CRL; a delta the hub
/// cannot place on the full CRL it holds, an older one, a foreign or forged one is refused and changes nothing; a
/// stale one refuses under `required`; a newer full CRL supersedes it; a restart loads both.
@Suite struct DeltaCRLTests {
    /// One CA of the test PKI and three of its participants.
    struct Hierarchy: Sendable, CustomTestStringConvertible {
        let ca: String
        /// Revoked by the delta CRLs of the tests.
        let target: TestPKI.Participant
        /// Listed by no CRL.
        let bystander: TestPKI.Participant
        /// Listed by the CA's generated full CRL (number 1) only.
        let revokedInFull: TestPKI.Participant
        var testDescription: String { ca }

        static let rsa = Hierarchy(
            ca: "intermediate-ca", target: .companyHead, bystander: .companyEmployee, revokedInFull: .revoked)
        static let gost = Hierarchy(
            ca: "gost-intermediate-ca", target: .gostCompanyHead, bystander: .gostEntrepreneur,
            revokedInFull: .gostRevoked)
        static let both = [rsa, gost]
    }

    static func signed(_ participant: TestPKI.Participant) throws -> [UInt8] {
        try Fixtures.signed(by: participant, profile: participant.isGOST ? .ncaLayer : .standard)
    }

    static func error(_ participant: TestPKI.Participant, _ store: TrustStore) throws -> ErrorCode? {
        Fixtures.verificationError(try signed(participant), verifier: SignatureVerifier(trustStore: store))
    }

    /// A store over a fresh copy of the test PKI's CRL folder (full CRLs number 1), with `updates` swapped in.
    static func store(
        _ updates: [[UInt8]] = [], folder: URL? = nil, revocation: TrustStore.RevocationPolicy = .required
    ) throws -> TrustStore {
        var store = try TrustAnchorTests.store(folder ?? TrustAnchorTests.crlFolder(), revocation: revocation)
        for update in updates {
            store = try store.replacing([try #require(try store.check(fetchedCRL: update, source: "test"))])
        }
        return store
    }

    static func refusal(_ bytes: [UInt8], by store: TrustStore) -> ErrorCode? {
        TrustAnchorTests.refusal(bytes, by: store)
    }

    @Test(arguments: Hierarchy.both)
    func aDeltaRevokingACertificateRefusesItAtOnceWhileTheFullCRLStillCounts(_ pki: Hierarchy) throws {
        let anchor = TrustAnchor(try Self.store())
        let documents = SignatureVerifier(trust: anchor)
        let logins = SignatureVerifier(trust: anchor, keyPurposes: [.signing, .authentication])
        let signed = try Self.signed(pki.target)
        #expect(Fixtures.verificationError(signed, verifier: documents) == nil)

        let base = anchor.current
        let delta = try TrustAnchorTests.crl(of: pki.ca, revoking: [pki.target], number: 2, deltaOf: 1)
        let checked = try #require(try base.check(fetchedCRL: delta, source: "test"))
        #expect(checked.info.kind == .delta && checked.info.base == "1" && checked.info.number == "2")
        #expect(anchor.replace(base, with: try base.replacing([checked])))
        // The validation cached before the swap no longer counts, for documents and logins.
        #expect(Fixtures.verificationError(signed, verifier: documents) == .certRevoked)
        #expect(Fixtures.verificationError(signed, verifier: logins) == .certRevoked)
        #expect(Fixtures.verificationError(try Self.signed(pki.bystander), verifier: documents) == nil)
        // Full CRL plus delta: what only the full CRL lists stays revoked (OpenSSL would take a newer delta in its
        // store for the complete CRL; the hub keeps deltas out of it).
        #expect(Fixtures.verificationError(try Self.signed(pki.revokedInFull), verifier: documents) == .certRevoked)
        #expect(anchor.current.revocationListInfo.filter { $0.kind == .delta }.count == 1)
    }

    @Test func rsaAndGOSTChainsGiveTheSameAnswersUnderTheSameDeltas() throws {
        // One store, both hierarchies' deltas: fresh, then stale.
        let now = Date()
        for (thisUpdate, nextUpdate) in [(now - 60, now + 3600), (now - 7200, now - 3600)] {
            var lists = Fixtures.trustStore.revocationLists
            for pki in Hierarchy.both {
                let pem = try TrustAnchorTests.crl(
                    of: pki.ca, revoking: [pki.target], number: 2, deltaOf: 1, thisUpdate: thisUpdate,
                    nextUpdate: nextUpdate)
                lists += try TrustStore.loadCRLs(pem, name: "delta").map(RevocationList.init(owning:))
            }
            for revocation in [TrustStore.RevocationPolicy.required, .bestEffort] {
                let store = try TrustStore(anchors: Fixtures.trustStore.anchors, crls: lists, revocation: revocation)
                let answers = try Hierarchy.both.map { pki in
                    try [pki.target, pki.bystander, pki.revokedInFull].map { try Self.error($0, store) }
                }
                #expect(answers[0] == answers[1], "\(revocation), nextUpdate \(nextUpdate): \(answers)")
            }
        }
    }

    @Test func aDeltaWhoseBaseTheHubDoesNotHoldIsRefusedAndChangesNothing() throws {
        let folder = try TrustAnchorTests.crlFolder()
        let store = try Self.store(folder: folder)
        let before = store.revocationListInfo
        // The full CRL held is number 1: a delta of number 2 cannot be completed.
        #expect(
            Self.refusal(try TrustAnchorTests.crl(revoking: [.companyHead], number: 3, deltaOf: 2), by: store)
                == .crlDeltaBaseUnknown)
        // No full CRL of that CA held at all.
        let gostIntermediate = try Certificate.load(
            contentsOf: Fixtures.pki.trustDirectory.appendingPathComponent("gost-intermediate-ca.pem"))[0]
        let withoutFull = try TrustStore(
            anchors: store.anchors, crls: store.revocationLists.filter { $0.issuer != gostIntermediate.subject },
            revocation: .required)
        #expect(
            Self.refusal(try TrustAnchorTests.crl(of: "gost-intermediate-ca", number: 2, deltaOf: 1), by: withoutFull)
                == .crlDeltaBaseUnknown)
        // A full CRL held without a CRL number: nothing can follow it.
        let unnumbered = try Self.store([try TrustAnchorTests.crl(number: nil)])
        #expect(Self.refusal(try TrustAnchorTests.crl(number: 2, deltaOf: 1), by: unnumbered) == .crlDeltaBaseUnknown)
        // A delta of the delta held (its base is number 3, a delta).
        let withDelta = try Self.store([try TrustAnchorTests.crl(number: 3, deltaOf: 1)])
        let error = expectCode(.crlDeltaBaseUnknown) {
            _ = try withDelta.check(fetchedCRL: try TrustAnchorTests.crl(number: 4, deltaOf: 3), source: "test")
        }
        #expect(error?.message.contains("a delta of a delta") == true, "\(String(describing: error))")
        // Not a delta RFC 5280 allows: no CRL number, or a number not above its base.
        #expect(Self.refusal(try TrustAnchorTests.crl(number: nil, deltaOf: 1), by: store) == .crlMalformed)
        #expect(Self.refusal(try TrustAnchorTests.crl(number: 1, deltaOf: 1), by: store) == .crlMalformed)
        // Nothing changed, in memory or in the folder.
        #expect(store.revocationListInfo == before)
        #expect(try TrustAnchorTests.store(folder).revocationListInfo == before)
        #expect(try Self.error(.companyHead, store) == nil)
    }

    @Test func aReplayedOrOlderDeltaIsRefusedAsReplayed() throws {
        let held = try Self.store([try TrustAnchorTests.crl(revoking: [.companyHead], number: 4, deltaOf: 1)])
        #expect(Self.refusal(try TrustAnchorTests.crl(number: 3, deltaOf: 1), by: held) == .crlReplayed)
        // Another delta under the number held (issued later, listing nothing): a replay too, never an un-revoking.
        #expect(
            Self.refusal(try TrustAnchorTests.crl(number: 4, deltaOf: 1, thisUpdate: Date() + 5), by: held)
                == .crlReplayed)
        #expect(try Self.error(.companyHead, held) == .certRevoked)
        // The very delta held: nothing to change. A newer one: taken.
        let same = try #require(held.revocationLists.first { $0.isDelta })
        #expect(try held.check(fetchedCRL: Array(same.pem.utf8), source: "test") == nil)
        #expect(try held.check(fetchedCRL: try TrustAnchorTests.crl(number: 5, deltaOf: 1), source: "test") != nil)
    }

    @Test func aDeltaFromAnotherIssuerOrWithABadSignatureIsRefused() throws {
        let store = try Self.store()
        let now = Date()
        let intermediate = try Certificate.load(
            contentsOf: Fixtures.pki.trustDirectory.appendingPathComponent("intermediate-ca.pem"))[0]
        // The intermediate's name, the root's key.
        let forged = try CertificateIssuer.revocationList(
            ca: intermediate, key: try TrustAnchorTests.key("ca/root-ca.key.pem"), revoking: [], thisUpdate: now,
            nextUpdate: now + 3600, number: 2, deltaOf: 1)
        #expect(Self.refusal(Array(forged.utf8), by: store) == .crlSignatureInvalid)
        // The GOST intermediate's name, the RSA intermediate's key.
        let gostIntermediate = try Certificate.load(
            contentsOf: Fixtures.pki.trustDirectory.appendingPathComponent("gost-intermediate-ca.pem"))[0]
        let crossed = try CertificateIssuer.revocationList(
            ca: gostIntermediate, key: try TrustAnchorTests.key("ca/intermediate-ca.key.pem"), revoking: [],
            thisUpdate: now, nextUpdate: now + 3600, number: 2, deltaOf: 1)
        #expect(Self.refusal(Array(crossed.utf8), by: store) == .crlSignatureInvalid)
        let untrusted = try CertificateIssuer.revocationList(
            ca: try Certificate.load(
                contentsOf: Fixtures.pki.directory.appendingPathComponent("untrusted/untrusted-root-ca.pem"))[0],
            key: try TrustAnchorTests.key("untrusted/untrusted-root-ca.key.pem"), revoking: [], thisUpdate: now,
            nextUpdate: now + 3600, number: 2, deltaOf: 1)
        #expect(Self.refusal(Array(untrusted.utf8), by: store) == .crlIssuerUnknown)
        expectCode(.crlIssuerUnknown, "fetched from another CA's delta point") {
            _ = try store.check(
                fetchedCRL: try TrustAnchorTests.crl(number: 2, deltaOf: 1), source: "test",
                expectedIssuer: gostIntermediate.subject)
        }
    }

    @Test(arguments: Hierarchy.both)
    func aStaleDeltaRefusesUnderRequiredEvenWithAFreshFullCRLAndIsReadUnderBestEffort(_ pki: Hierarchy) throws {
        let now = Date()
        let stale = try TrustAnchorTests.crl(
            of: pki.ca, revoking: [pki.target], number: 2, deltaOf: 1, thisUpdate: now - 7200, nextUpdate: now - 3600)
        let lists =
            Fixtures.trustStore.revocationLists
            + (try TrustStore.loadCRLs(stale, name: "stale")).map(RevocationList.init(owning:))
        let required = try TrustStore(anchors: Fixtures.trustStore.anchors, crls: lists, revocation: .required)
        let lenient = try TrustStore(anchors: Fixtures.trustStore.anchors, crls: lists, revocation: .bestEffort)
        // The full CRL (valid ten years) is fresh; the hourly delta is not: the hub stopped hearing from the CA.
        #expect(try Self.error(pki.bystander, required) == .certCRLExpired)
        #expect(try Self.error(pki.target, required) == .certCRLExpired)
        #expect(try Self.error(pki.bystander, lenient) == nil)
        #expect(try Self.error(pki.target, lenient) == .certRevoked, "best effort still reads the stale delta")
        #expect(required.revocationListInfo.contains { $0.kind == .delta && $0.isStale(at: now) })
    }

    @Test func aNewFullCRLSupersedesTheDeltaAndADeltaOnAnOlderBaseStays() throws {
        let folder = try TrustAnchorTests.crlFolder()
        _ = try Self.store([try TrustAnchorTests.crl(revoking: [.companyHead], number: 3, deltaOf: 1)], folder: folder)
        let deltaFiles = {
            try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".delta.crl.pem") }
        }
        #expect(try deltaFiles().count == 1)
        // A full CRL numbered 2 (below the delta's 3, above its base 1): the delta still completes it.
        let second = try Self.store([try TrustAnchorTests.crl(revoking: [.revoked], number: 2)], folder: folder)
        #expect(second.revocationListInfo.contains { $0.kind == .delta && $0.number == "3" })
        #expect(try Self.error(.companyHead, second) == .certRevoked)
        // A full CRL numbered 4 lists all the CA says: the delta is dropped, in memory and on disk. (Its CA took the
        // head's certificate off hold, so the new full CRL no longer lists it.)
        let fourth = try second.replacing([
            try #require(
                try second.check(fetchedCRL: try TrustAnchorTests.crl(revoking: [.revoked], number: 4), source: "test"))
        ])
        #expect(!fourth.revocationListInfo.contains { $0.kind == .delta })
        #expect(try deltaFiles().isEmpty)
        #expect(try Self.error(.companyHead, fourth) == nil)
        #expect(try Self.error(.revoked, fourth) == .certRevoked)
        // The old delta served again afterwards adds nothing: unchanged, not a refusal.
        #expect(
            try fourth.check(
                fetchedCRL: try TrustAnchorTests.crl(revoking: [.companyHead], number: 3, deltaOf: 1), source: "test")
                == nil)
        // One pass bringing a full CRL and a delta it covers: the delta is not taken.
        let pass = try [
            try TrustAnchorTests.crl(number: 6),
            try TrustAnchorTests.crl(revoking: [.companyHead], number: 5, deltaOf: 4),
        ]
        .map { try #require(try fourth.check(fetchedCRL: $0, source: "test")) }
        let both = try fourth.replacing(pass)
        #expect(!both.revocationListInfo.contains { $0.kind == .delta })
        #expect(try Self.error(.companyHead, both) == nil)
        let restarted = try TrustAnchorTests.store(folder).revocationListInfo
        #expect(restarted.count == 4 && !restarted.contains { $0.kind == .delta })
    }

    @Test func theFullAndDeltaCRLsSurviveARestartSideBySide() throws {
        let folder = try TrustAnchorTests.crlFolder()
        _ = try Self.store(
            [
                try TrustAnchorTests.crl(revoking: [.revoked], number: 2),
                try TrustAnchorTests.crl(revoking: [.companyHead], number: 3, deltaOf: 2),
                try TrustAnchorTests.crl(
                    of: "gost-intermediate-ca", revoking: [.gostCompanyHead], number: 2, deltaOf: 1),
            ], folder: folder)
        let restarted = try TrustAnchorTests.store(folder)
        let held = restarted.revocationListInfo
        #expect(held.count == 6, "\(held)")
        #expect(held.filter { $0.kind == .delta }.compactMap(\.base).sorted() == ["1", "2"])
        for participant in [TestPKI.Participant.companyHead, .revoked, .gostCompanyHead, .gostRevoked] {
            #expect(try Self.error(participant, restarted) == .certRevoked, "\(participant)")
        }
        #expect(try Self.error(.companyEmployee, restarted) == nil)
        #expect(try Self.error(.gostEntrepreneur, restarted) == nil)
    }

    @Test(arguments: Hierarchy.both)
    func aRemoveFromCRLEntryInADeltaNeitherRevokesNorUnrevokes(_ pki: Hierarchy) throws {
        let store = try Self.store([
            try TrustAnchorTests.crl(of: pki.ca, number: 2, deltaOf: 1, removing: [pki.revokedInFull, pki.target])
        ])
        let delta = try #require(store.revocationListInfo.first { $0.kind == .delta })
        #expect(delta.revoked == 2 && delta.removals == 2)
        // Taken off hold by the delta, still listed by the full CRL: refused until a full CRL no longer lists it.
        #expect(try Self.error(pki.revokedInFull, store) == .certRevoked)
        // Listed only as a removal: not revoked.
        #expect(try Self.error(pki.target, store) == nil)
    }
}
