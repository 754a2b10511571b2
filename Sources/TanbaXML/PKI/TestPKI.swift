public import Foundation
import TanbaErrors

/// A throw-away PKI shaped like Kazakhstan's: an accredited root CA, an intermediate that issues participant
/// certificates with NCA-style subjects and role OIDs, CRLs, and the bad cases tests need.
///
/// `tanba pki init DIR` writes one; the tests and `make demo` make a fresh one each run, so no private key
/// is committed as the only copy of anything. Layout:
///
///     DIR/trust/         root-ca.pem, intermediate-ca.pem, gost-root-ca.pem, gost-intermediate-ca.pem
///     DIR/crl/           one CRL per CA (the intermediates' revoke `revoked` and `gost-revoked`)
///     DIR/ca/            CA keys (to issue more)
///     DIR/participants/  NAME.key.pem, NAME.cert.pem              — one pair per `Participant`
///     DIR/untrusted/     untrusted-root-ca.pem                    — the CA of `untrusted`, not in trust/
public struct TestPKI: Sendable {
    /// The certificates a test PKI holds.
    public enum Participant: String, Sendable, CaseIterable {
        /// First head of a wholesaler (legal entity, BIN 050140001238), RSA-2048 signing key.
        case companyHead = "company-head"
        /// An employee of the same company (role .2.5), ECDSA P-256 signing key.
        case companyEmployee = "company-employee"
        /// The same company's NCA *authentication* key (EKU clientAuth): must not sign documents.
        case companyAuthentication = "company-auth"
        /// An individual entrepreneur (IIN only, no BIN), ECDSA P-256.
        case entrepreneur
        /// First head of a second company (the buyer), ECDSA P-256.
        case buyerHead = "buyer-head"
        /// Expired a month ago.
        case expired
        /// Listed in the intermediate CA's CRL.
        case revoked
        /// Issued by a CA that is not in the trust store.
        case untrusted
        /// RSA-1024: below the hub's minimum.
        case weakRSA = "weak-rsa"
        /// First head of the wholesaler with a Kazakh GOST 34.10-2015 key from the GOST CA (what NCA issues now).
        case gostCompanyHead = "gost-company-head"
        /// The individual entrepreneur with a GOST key.
        case gostEntrepreneur = "gost-entrepreneur"
        /// A GOST certificate listed in the GOST intermediate CA's CRL.
        case gostRevoked = "gost-revoked"
        /// The hub itself (the operator): signs receipts.
        case hub
        /// A fiscal data operator's (OFD's) signing key: an employee of ТОО «Тест ОФД» (BIN 100740001231), ECDSA
        /// P-256. It signs the batches of cash receipts `tanba-sim ofd` posts.
        case ofd

        /// Whether the certificate comes from the GOST hierarchy.
        public var isGOST: Bool { rawValue.hasPrefix("gost-") }
    }

    /// The operator's BIN in the test PKI.
    public static let operatorBIN = "160940000142"
    /// The test OFD's BIN (`ofd`).
    public static let ofdBIN = "100740001231"

    public let directory: URL
    public var trustDirectory: URL { directory.appendingPathComponent("trust") }
    public var crlDirectory: URL { directory.appendingPathComponent("crl") }

    public func keyFile(_ participant: Participant) -> URL {
        directory.appendingPathComponent("participants/\(participant.rawValue).key.pem")
    }
    public func certificateFile(_ participant: Participant) -> URL {
        directory.appendingPathComponent("participants/\(participant.rawValue).cert.pem")
    }

    /// Opens an existing test PKI folder.
    public init(directory: URL) { self.directory = directory }

    /// Creates a new test PKI in `directory` (created if missing; existing files are overwritten).
    /// - Parameter crlBaseURL: when given, every certificate names its issuer's CRL at `<crlBaseURL>/<ca>.crl`
    ///   (extension 2.5.29.31, e.g. `…/intermediate-ca.crl`), as NCA's certificates name `crl.pki.gov.kz`, and its
    ///   delta CRLs at `<crlBaseURL>/<ca>-delta.crl` (Freshest CRL, 2.5.29.46).
    @discardableResult
    public static func create(at directory: URL, now: Date = Date(), crlBaseURL: String? = nil) throws -> TestPKI {
        let pki = TestPKI(directory: directory)
        let fm = FileManager.default
        for sub in ["trust", "crl", "ca", "participants", "untrusted"] {
            try fm.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let day: TimeInterval = 86_400
        let year = 365 * day
        func write(_ text: String, _ path: String) throws {
            try Data(text.utf8).write(to: directory.appendingPathComponent(path))
        }
        func distributionPoint(_ ca: String, delta: Bool = false) -> [String] {
            crlBaseURL.map { ["\($0.hasSuffix("/") ? String($0.dropLast()) : $0)/\(ca)\(delta ? "-delta" : "").crl"] }
                ?? []
        }

        let rootKey = try PrivateKey.generate(.rsa(bits: 2048))
        let root = try CertificateIssuer.issue(
            CertificateRequest(
                subject: [
                    ("C", "KZ"), ("O", "Tanba Test Accredited CA"), ("CN", "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST ROOT)"),
                ],
                serialNumber: 1, notBefore: now - year, notAfter: now + 20 * year, isCA: true),
            subjectKey: rootKey, issuer: nil, issuerKey: rootKey)
        let intermediateKey = try PrivateKey.generate(.rsa(bits: 2048))
        let intermediate = try CertificateIssuer.issue(
            CertificateRequest(
                subject: [
                    ("C", "KZ"), ("O", "Tanba Test Accredited CA"), ("CN", "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST RSA)"),
                ],
                serialNumber: 2, notBefore: now - year, notAfter: now + 10 * year, isCA: true,
                crlDistributionPoints: distributionPoint("root-ca"),
                freshestCRL: distributionPoint("root-ca", delta: true)),
            subjectKey: intermediateKey, issuer: root, issuerKey: rootKey)
        let untrustedKey = try PrivateKey.generate(.ecP256)
        let untrustedRoot = try CertificateIssuer.issue(
            CertificateRequest(
                subject: [("C", "KZ"), ("O", "Not Accredited"), ("CN", "Self-made CA")], serialNumber: 1,
                notBefore: now - year, notAfter: now + 10 * year, isCA: true),
            subjectKey: untrustedKey, issuer: nil, issuerKey: untrustedKey)

        // The GOST hierarchy, as NCA RK runs it since 2024: GOST root → GOST intermediate → GOST participants.
        let gostRootKey = try PrivateKey.generate(.gost2015)
        let gostRoot = try CertificateIssuer.issue(
            CertificateRequest(
                subject: [
                    ("C", "KZ"), ("O", "Tanba Test Accredited CA"),
                    ("CN", "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST GOST ROOT)"),
                ],
                serialNumber: 3, notBefore: now - year, notAfter: now + 20 * year, isCA: true),
            subjectKey: gostRootKey, issuer: nil, issuerKey: gostRootKey)
        let gostIntermediateKey = try PrivateKey.generate(.gost2015)
        let gostIntermediate = try CertificateIssuer.issue(
            CertificateRequest(
                subject: [
                    ("C", "KZ"), ("O", "Tanba Test Accredited CA"), ("CN", "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST GOST)"),
                ],
                serialNumber: 4, notBefore: now - year, notAfter: now + 10 * year, isCA: true,
                crlDistributionPoints: distributionPoint("gost-root-ca"),
                freshestCRL: distributionPoint("gost-root-ca", delta: true)),
            subjectKey: gostIntermediateKey, issuer: gostRoot, issuerKey: gostRootKey)
        try write(gostRoot.pem, "trust/gost-root-ca.pem")
        try write(gostIntermediate.pem, "trust/gost-intermediate-ca.pem")
        try write(gostRootKey.pem, "ca/gost-root-ca.key.pem")
        try write(gostIntermediateKey.pem, "ca/gost-intermediate-ca.key.pem")

        try write(root.pem, "trust/root-ca.pem")
        try write(intermediate.pem, "trust/intermediate-ca.pem")
        try write(rootKey.pem, "ca/root-ca.key.pem")
        try write(intermediateKey.pem, "ca/intermediate-ca.key.pem")
        try write(untrustedRoot.pem, "untrusted/untrusted-root-ca.pem")
        try write(untrustedKey.pem, "untrusted/untrusted-root-ca.key.pem")

        let signing = KeyPurpose.signing.oid
        let company: [(String, String)] = [("O", "ТОО «Алатау Дистрибьюшн»"), ("OU", "BIN050140001238")]
        var serial: UInt64 = 100
        var revokedSerials: [UInt64] = []
        var gostRevokedSerials: [UInt64] = []
        for participant in Participant.allCases {
            serial += 1
            var notBefore = now - 30 * day
            var notAfter = now + 5 * year
            var issuer = intermediate
            var issuerKey = intermediateKey
            var keyKind = PrivateKey.Kind.ecP256
            var subject: [(String, String)]
            var usage: [String]
            var crlName = "intermediate-ca"
            func person(_ surname: String, _ given: String, _ patronymic: String, iin: String) -> [(String, String)] {
                [
                    ("CN", "\(surname) \(given)"), ("SN", surname), ("serialNumber", "IIN\(iin)"), ("C", "KZ"),
                    ("GN", patronymic),
                ]
            }
            switch participant {
            case .companyHead:
                keyKind = .rsa(bits: 2048)
                subject = person("СЕРІКОВ", "АСХАТ", "ЕРЛАНҰЛЫ", iin: "781112400128") + company
                usage = [signing, NCARole.legalEntity.oid, NCARole.firstHead.oid]
            case .companyEmployee:
                subject = person("ОМАРОВА", "ДАНА", "БОЛАТҚЫЗЫ", iin: "920701400128") + company
                usage = [signing, NCARole.legalEntity.oid, NCARole.employee.oid]
            case .companyAuthentication:
                subject = person("СЕРІКОВ", "АСХАТ", "ЕРЛАНҰЛЫ", iin: "781112400128") + company
                usage = [KeyPurpose.authentication.oid, NCARole.legalEntity.oid, NCARole.firstHead.oid]
            case .entrepreneur:
                subject = person("НҰРЛАНОВ", "ЕРЛАН", "СЕРІКҰЛЫ", iin: "850315300128")
                usage = [signing, NCARole.individual.oid]
            case .buyerHead:
                subject =
                    person("ЖАНҰЗАҚОВА", "АЙГҮЛ", "МАРАТҚЫЗЫ", iin: "660501300129")
                    + [("O", "ТОО «Шымкент Сауда»"), ("OU", "BIN031240500125")]
                usage = [signing, NCARole.legalEntity.oid, NCARole.firstHead.oid, NCARole.rightToSign.oid]
            case .expired:
                notBefore = now - 400 * day
                notAfter = now - 35 * day
                keyKind = .rsa(bits: 2048)
                subject = person("ӘБІЛОВ", "МАРАТ", "ҚАЙРАТҰЛЫ", iin: "990102400124") + company
                usage = [signing, NCARole.legalEntity.oid, NCARole.rightToSign.oid]
            case .revoked:
                subject = person("ҚАСЫМОВ", "БЕРІК", "ОРАЛҰЛЫ", iin: "031240500125") + company
                usage = [signing, NCARole.legalEntity.oid, NCARole.rightToSign.oid]
                revokedSerials.append(serial)
            case .untrusted:
                issuer = untrustedRoot
                issuerKey = untrustedKey
                crlName = "untrusted-root-ca"
                subject = person("БЕЛГІСІЗ", "АДАМ", "", iin: "660501300129") + company
                usage = [signing, NCARole.legalEntity.oid, NCARole.firstHead.oid]
            case .weakRSA:
                keyKind = .rsa(bits: 1024)
                subject = person("ӘЛСІЗ", "КІЛТ", "", iin: "920701400128") + company
                usage = [signing, NCARole.legalEntity.oid, NCARole.employee.oid]
            case .hub:
                subject = [
                    ("CN", "TANBA HUB"), ("O", "Tanba operator (test)"), ("OU", "BIN\(TestPKI.operatorBIN)"),
                    ("C", "KZ"),
                ]
                usage = [signing, NCARole.legalEntity.oid]
            case .ofd:
                subject =
                    person("ОФД", "ЖҮЙЕСІ", "", iin: "920701400128")
                    + [("O", "ТОО «Тест ОФД»"), ("OU", "BIN\(TestPKI.ofdBIN)")]
                usage = [signing, NCARole.legalEntity.oid, NCARole.employee.oid]
            case .gostCompanyHead:
                subject = person("СЕРІКОВ", "АСХАТ", "ЕРЛАНҰЛЫ", iin: "781112400128") + company
                usage = [signing, NCARole.legalEntity.oid, NCARole.firstHead.oid]
            case .gostEntrepreneur:
                subject = person("НҰРЛАНОВ", "ЕРЛАН", "СЕРІКҰЛЫ", iin: "850315300128")
                usage = [signing, NCARole.individual.oid]
            case .gostRevoked:
                subject = person("ҚАСЫМОВ", "БЕРІК", "ОРАЛҰЛЫ", iin: "031240500125") + company
                usage = [signing, NCARole.legalEntity.oid, NCARole.rightToSign.oid]
                gostRevokedSerials.append(serial)
            }
            if participant.isGOST {
                keyKind = .gost2015
                issuer = gostIntermediate
                issuerKey = gostIntermediateKey
                crlName = "gost-intermediate-ca"
            }
            let key = try PrivateKey.generate(keyKind)
            let certificate = try CertificateIssuer.issue(
                CertificateRequest(
                    subject: subject.filter { !$0.1.isEmpty }, serialNumber: serial, notBefore: notBefore,
                    notAfter: notAfter, extendedKeyUsage: usage, crlDistributionPoints: distributionPoint(crlName),
                    freshestCRL: distributionPoint(crlName, delta: true)),
                subjectKey: key, issuer: issuer, issuerKey: issuerKey)
            try write(key.pem, "participants/\(participant.rawValue).key.pem")
            try write(certificate.pem, "participants/\(participant.rawValue).cert.pem")
        }
        // CRLs are long-lived here (issued two years back, valid ten ahead) so signed samples keep verifying and
        // past signing times can be checked; real CRLs last hours to days.
        try write(
            CertificateIssuer.revocationList(
                ca: root, key: rootKey, revoking: [], thisUpdate: now - 2 * year, nextUpdate: now + 10 * year,
                number: 1),
            "crl/root-ca.crl.pem")
        try write(
            CertificateIssuer.revocationList(
                ca: intermediate, key: intermediateKey, revoking: revokedSerials, thisUpdate: now - 2 * year,
                nextUpdate: now + 10 * year, number: 1),
            "crl/intermediate-ca.crl.pem")
        try write(
            CertificateIssuer.revocationList(
                ca: gostRoot, key: gostRootKey, revoking: [], thisUpdate: now - 2 * year, nextUpdate: now + 10 * year,
                number: 1),
            "crl/gost-root-ca.crl.pem")
        try write(
            CertificateIssuer.revocationList(
                ca: gostIntermediate, key: gostIntermediateKey, revoking: gostRevokedSerials,
                thisUpdate: now - 2 * year, nextUpdate: now + 10 * year, number: 1),
            "crl/gost-intermediate-ca.crl.pem")
        try write(Self.readme, "README.md")
        return pki
    }

    /// A new CRL of one of the test CAs (`root-ca`, `intermediate-ca`, `gost-root-ca`, `gost-intermediate-ca`), as
    /// PEM: what a CA publishes at its distribution point, for tests and demos of the CRL refresh.
    /// - Parameters:
    ///   - revoking: the participants whose certificates it lists (those the CA did not issue are left out).
    ///   - number: its CRL number (the generated CRLs are number 1).
    ///   - deltaOf: makes it a delta CRL of that base CRL number.
    ///   - removing: participants it lists with reason removeFromCRL (a delta CRL's "no longer on hold").
    public func revocationList(
        of ca: String, revoking: [Participant], thisUpdate: Date = Date(), nextUpdate: Date = Date() + 86_400,
        number: UInt64? = nil, deltaOf: UInt64? = nil, removing: [Participant] = []
    ) throws -> String {
        let certificate = try Certificate.load(contentsOf: trustDirectory.appendingPathComponent("\(ca).pem"))[0]
        let key = try PrivateKey(
            pem: Array(readFile(directory.appendingPathComponent("ca/\(ca).key.pem"), limit: 1 << 20)))
        func serials(_ participants: [Participant]) throws -> [UInt64] {
            try participants.compactMap { participant in
                let issued = try Certificate.load(contentsOf: certificateFile(participant))[0]
                return issued.issuer == certificate.subject ? UInt64(issued.serialNumber, radix: 16) : nil
            }
        }
        return try CertificateIssuer.revocationList(
            ca: certificate, key: key, revoking: try serials(revoking), thisUpdate: thisUpdate, nextUpdate: nextUpdate,
            number: number, deltaOf: deltaOf, removing: try serials(removing))
    }

    static let readme = """
        # Tanba test PKI (generated by `tanba pki init`)

        For tests and demos only: every private key here is unencrypted.

        - `trust/` — the trust store: two "accredited CA" hierarchies, RSA (`root-ca`, `intermediate-ca`) and
          Kazakh GOST 34.10-2015 (`gost-root-ca`, `gost-intermediate-ca`). Point `--trust` here.
        - `crl/` — CRLs of all four CAs. The intermediates' revoke `revoked` and `gost-revoked`. Point `--crl` here.
        - `ca/` — the CA keys.
        - `participants/NAME.key.pem`, `NAME.cert.pem`:
          - `company-head`: first head of ТОО «Алатау Дистрибьюшн» (BIN 050140001238), RSA-2048
          - `company-employee`: employee of the same company (role 1.2.398.3.3.4.1.2.5), ECDSA P-256
          - `company-auth`: an authentication key (EKU 1.3.6.1.5.5.7.3.2) — refused for signing
          - `entrepreneur`: individual entrepreneur, IIN 850315300128, no BIN
          - `buyer-head`: first head of ТОО «Шымкент Сауда» (BIN 031240500125)
          - `expired`, `revoked`, `untrusted` (issued by `untrusted/`), `weak-rsa` (RSA-1024): refused
          - `gost-company-head`, `gost-entrepreneur`: GOST 34.10-2015 keys from the GOST CA (Kazakh OIDs)
          - `gost-revoked`: in the GOST intermediate's CRL: refused
          - `hub`: the operator's certificate, which signs the hub's receipts
          - `ofd`: a fiscal data operator's system (BIN 100740001231), which signs batches of cash receipts
        """
}
