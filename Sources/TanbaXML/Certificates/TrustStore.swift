internal import COpenSSL
public import Foundation
import Synchronization
import TanbaErrors

/// The accredited CAs the hub trusts and the revocation lists it checks, loaded from two folders.
///
/// Certificates (PEM, several per file allowed, or DER) come from the CA folder; CRLs (PEM or DER) from the
/// CRL folder. The underlying `X509_STORE` is read-only after loading, so one store serves concurrent
/// verifications (each gets its own `X509_STORE_CTX`). Fresh CRLs make a new store (`replacing(_:)`), which a
/// `TrustAnchor` swaps in for the verifiers.
public final class TrustStore: @unchecked Sendable {
    /// How missing revocation information is treated.
    public enum RevocationPolicy: String, Sendable, Codable {
        /// Every CA in the chain must have a current CRL (the hub's default).
        case required
        /// Check the CRLs that are present; a CA without one is not an error (tests and vectors only).
        case bestEffort
    }

    let store: OpaquePointer
    /// The trusted CA certificates, as loaded.
    public let anchors: [Certificate]
    /// How many CRLs were loaded.
    public let crlCount: Int
    /// The CRLs, full and delta: for chains OpenSSL cannot check itself (Kazakh GOST) and for every chain's deltas
    /// (`DeltaRevocation`; the `X509_STORE` holds the full CRLs only).
    let revocationLists: [RevocationList]
    public let revocation: RevocationPolicy
    /// When every loaded CRL is in force (the latest thisUpdate to the earliest nextUpdate).
    let crlWindow: ClosedRange<Date>
    /// The file each CRL of `revocationLists` was read from (nil: not from a file), where a fresher one is written.
    let crlSources: [URL?]
    /// The CRL folder the store was loaded from, if any.
    public let crlDirectory: URL?
    /// This store's number, unique in the process: what a cached validation was made against.
    let generation: UInt64
    private static let generations = Atomic<UInt64>(0)

    /// Loads CA certificates from `caDirectory` and CRLs from `crlDirectory`.
    /// - Throws: `CONFIG_INVALID` when a folder cannot be read or holds no CA, `CERT_MALFORMED` for a bad file.
    public convenience init(caDirectory: URL, crlDirectory: URL?, revocation: RevocationPolicy = .required) throws {
        _ = LibraryRuntime.ready
        var anchors: [Certificate] = []
        for file in try Self.files(in: caDirectory) {
            // A file here that is not a certificate is the hub's configuration at fault, not the document being
            // checked: it must not be answered as the document's CERT_MALFORMED.
            do { anchors += try Certificate.load(contentsOf: file) } catch let error as TanbaError {
                throw TanbaError(
                    .configInvalid,
                    "trust folder \(caDirectory.path): \(file.lastPathComponent) is not a CA certificate (PEM or DER): "
                        + error.message)
            }
        }
        guard !anchors.isEmpty else { throw TanbaError(.configInvalid, "no CA certificate in \(caDirectory.path)") }
        var crls: [RevocationList] = []
        var sources: [URL?] = []
        if let crlDirectory {
            for file in try Self.files(in: crlDirectory) {
                let loaded = try Self.loadCRLs(Array(readFile(file, limit: 256 << 20)), name: file.lastPathComponent)
                crls += loaded.map(RevocationList.init(owning:))
                sources += loaded.map { _ in file }
            }
        }
        try self.init(
            anchors: anchors, crls: crls, revocation: revocation, sources: sources, crlDirectory: crlDirectory)
    }

    init(
        anchors: [Certificate], crls: [RevocationList], revocation: RevocationPolicy, sources: [URL?] = [],
        crlDirectory: URL? = nil
    ) throws {
        guard let store = X509_STORE_new() else { throw TanbaError(.internal, "X509_STORE_new failed") }
        self.store = store
        for anchor in anchors { X509_STORE_add_cert(store, anchor.pointer) }  // takes its own reference
        var from = Date.distantPast
        var until = Date.distantFuture
        for crl in crls {
            // Full CRLs only: OpenSSL would take a newer delta CRL for the complete one (see DeltaRevocation).
            if !crl.isDelta { X509_STORE_add_crl(store, crl.pointer) }  // takes its own reference
            from = max(from, crl.thisUpdate)
            until = min(until, crl.nextUpdate ?? .distantFuture)
        }
        self.crlWindow = from <= until ? from...until : from...from
        OpenSSL.clearErrors()
        self.anchors = anchors
        self.crlCount = crls.count
        self.revocationLists = crls
        self.revocation = revocation
        self.crlSources = crls.indices.map { $0 < sources.count ? sources[$0] : nil }
        self.crlDirectory = crlDirectory
        self.generation = Self.generations.add(1, ordering: .relaxed).newValue
    }

    deinit { X509_STORE_free(store) }

    private static func files(in directory: URL) throws -> [URL] {
        do {
            return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
        } catch {
            throw TanbaError(
                .configInvalid, "cannot read the folder \(directory.path): it does not exist or is not readable")
        }
    }

    static func loadCRLs(_ bytes: [UInt8], name: String) throws -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        if bytes.looksLikePEM {
            try OpenSSL.withMemoryBIO(bytes) { bio in
                while let crl = PEM_read_bio_X509_CRL(bio, nil, nil, nil) { result.append(crl) }
            }
            OpenSSL.clearErrors()
        } else {
            let crl: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
                var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
                return d2i_X509_CRL(nil, &cursor, buffer.count)
            }
            if let crl { result.append(crl) }
        }
        guard !result.isEmpty else { throw TanbaError(.configInvalid, "\(name) holds no CRL (PEM or DER)") }
        return result
    }

    /// Validates `leaf`'s chain to a trusted CA at `time`, with revocation checked against the loaded CRLs.
    ///
    /// - Parameter intermediates: untrusted certificates that may complete the chain (e.g. from KeyInfo).
    /// - Returns: the window of verification times in which this result holds: every certificate of the chain
    ///   and every CRL of the store in force.
    /// - Throws: `CERT_UNTRUSTED`, `CERT_EXPIRED`, `CERT_NOT_YET_VALID`, `CERT_REVOKED` (by a full CRL or its delta),
    ///   `CERT_REVOCATION_UNKNOWN`, `CERT_CRL_EXPIRED` (a CA's CRL, or the delta CRL held for it, is past its
    ///   nextUpdate; `required` only) or `CERT_CHAIN_INVALID`, naming the certificate at fault.
    @discardableResult
    public func validate(_ leaf: Certificate, intermediates: [Certificate] = [], at time: Date) throws
        -> ClosedRange<Date>
    {
        // OpenSSL knows no Kazakh GOST algorithm: such chains are validated by `KazakhChainValidator`.
        if ([leaf] + intermediates).contains(where: \.involvesKazakhGOST)
            || anchors.contains(where: { $0.involvesKazakhGOST && $0.isNamedIssuer(of: leaf) })
        {
            return try KazakhChainValidator(store: self).validate(leaf, intermediates: intermediates, at: time)
        }
        guard let context = X509_STORE_CTX_new() else { throw TanbaError(.internal, "X509_STORE_CTX_new failed") }
        defer { X509_STORE_CTX_free(context) }
        guard let untrusted = tanba_sk_X509_new_null() else { throw TanbaError(.internal, "sk_X509_new failed") }
        defer { tanba_sk_X509_free(untrusted) }  // the stack only borrows the certificates
        for certificate in intermediates { _ = tanba_sk_X509_push(untrusted, certificate.pointer) }
        guard X509_STORE_CTX_init(context, store, leaf.pointer, untrusted) == 1 else {
            throw TanbaError(.internal, "X509_STORE_CTX_init failed: \(OpenSSL.lastError())")
        }
        let parameters = X509_STORE_CTX_get0_param(context)
        X509_VERIFY_PARAM_set_time(parameters, time_t(time.timeIntervalSince1970))
        X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL))
        if revocation == .bestEffort { X509_STORE_CTX_set_verify_cb(context, Self.ignoreMissingCRL) }
        let result = X509_verify_cert(context)
        defer { OpenSSL.clearErrors() }
        if result == 1 {
            var from = crlWindow.lowerBound
            var until = crlWindow.upperBound
            var chain: [Certificate] = []
            if let verified = X509_STORE_CTX_get0_chain(context) {
                for index in 0..<tanba_sk_X509_num(verified) {
                    guard let certificate = tanba_sk_X509_value(verified, index) else { continue }
                    from = max(from, OpenSSL.date(X509_get0_notBefore(certificate)))
                    until = min(until, OpenSSL.date(X509_get0_notAfter(certificate)))
                    X509_up_ref(certificate)  // the chain is the context's; each Certificate holds its own reference
                    chain.append(Certificate(owning: certificate))
                }
            }
            // OpenSSL checked the full CRLs; the deltas, kept out of its store, are checked here (see DeltaRevocation).
            try DeltaRevocation(store: self).check(chain, at: time)
            return from <= until ? from...until : time...time
        }
        let error = X509_STORE_CTX_get_error(context)
        let depth = Int(X509_STORE_CTX_get_error_depth(context))
        let certificate = X509_STORE_CTX_get_current_cert(context).map { current in
            X509_up_ref(current)
            return Certificate(owning: current)
        }
        let reason = String(cString: X509_verify_cert_error_string(Int(error)))
        throw TanbaError(Self.code(for: error), "\((certificate ?? leaf).named(atDepth: depth)): \(reason)")
    }

    /// Best effort: a CA without a CRL, or whose CRL is past its nextUpdate, is no error; a stale CRL is still read,
    /// so a certificate it lists stays revoked.
    static let ignoreMissingCRL: @convention(c) (Int32, OpaquePointer?) -> Int32 = { ok, context in
        let error = X509_STORE_CTX_get_error(context)
        if ok == 0, error == X509_V_ERR_UNABLE_TO_GET_CRL || error == X509_V_ERR_CRL_HAS_EXPIRED {
            X509_STORE_CTX_set_error(context, X509_V_OK)
            return 1
        }
        return ok
    }

    static func code(for error: Int32) -> ErrorCode {
        switch error {
        case X509_V_ERR_CERT_HAS_EXPIRED: .certExpired
        case X509_V_ERR_CERT_NOT_YET_VALID: .certNotYetValid
        case X509_V_ERR_CERT_REVOKED: .certRevoked
        // Stale revocation data is the hub's to refresh, not a fault of the certificate: said so by its own code.
        case X509_V_ERR_CRL_HAS_EXPIRED: .certCRLExpired
        case X509_V_ERR_UNABLE_TO_GET_CRL, X509_V_ERR_CRL_NOT_YET_VALID,
            X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER, X509_V_ERR_CRL_SIGNATURE_FAILURE,
            X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE, X509_V_ERR_DIFFERENT_CRL_SCOPE:
            .certRevocationUnknown
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
            X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
            X509_V_ERR_CERT_UNTRUSTED, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            .certUntrusted
        default: .certChainInvalid
        }
    }
}
