internal import COpenSSL
import TanbaErrors

/// GOST R 34.10-2012 signatures on a prime curve: the arithmetic of the standard, on OpenSSL's EC code.
///
/// Integers here are big-endian byte strings, as the standard prints them; the Kazakh byte layout
/// (little-endian) is the business of `KazakhGOST`. Checked against the standard's own example (appendix A.2)
/// in `GOSTTests`.
final class GOSTCurve: @unchecked Sendable {
    let group: OpaquePointer
    let order: OpaquePointer
    /// Bytes of a coordinate or scalar (64 for 512-bit curves).
    let size: Int

    /// A curve from its parameters in hex: y² = x³ + ax + b over GF(p), base point (x, y) of prime order q.
    init(p: String, a: String, b: String, q: String, x: String, y: String) {
        func bn(_ hex: String) -> OpaquePointer {
            var bn: OpaquePointer? = nil
            precondition(BN_hex2bn(&bn, hex) > 0, "bad curve constant")
            return bn!
        }
        let (p, a, b, x, y) = (bn(p), bn(a), bn(b), bn(x), bn(y))
        order = bn(q)
        defer { [p, a, b, x, y].forEach { BN_free($0) } }
        let context = BN_CTX_new()
        defer { BN_CTX_free(context) }
        group = EC_GROUP_new_curve_GFp(p, a, b, context)!
        let generator = EC_POINT_new(group)!
        defer { EC_POINT_free(generator) }
        let one = BN_new()!
        defer { BN_free(one) }
        BN_set_word(one, 1)
        precondition(EC_POINT_set_affine_coordinates(group, generator, x, y, context) == 1, "base point not on curve")
        precondition(EC_GROUP_set_generator(group, generator, order, one) == 1)
        // Multiples of the base point, computed once: signing (k·G) and verifying (z1·G) use them.
        tanba_ec_group_precompute_mult(group, context)
        size = Int(BN_num_bits(order) + 7) / 8
    }

    deinit {
        EC_GROUP_free(group)
        BN_free(order)
    }

    /// id-tc26-gost-3410-12-512-paramSetA (RFC 7836), which Kazakhstan's 1.2.398.3.10.1.1.2.2.1 names.
    static let paramSetA512 = GOSTCurve(
        p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
            + "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
        a: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
            + "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC4",
        b: "E8C2505DEDFC86DDC1BD0B2B6667F1DA34B82574761CB0E879BD081CFD0B6265"
            + "EE3CB090F30D27614CB4574010DA90DD862EF9D4EBEE4761503190785A71C760",
        q: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
            + "27E69532F48D89116FF22B8D4E0560609B4B38ABFAD2B85DCACDB1411F10B275",
        x: "3",
        y: "7503CFE87A836AE3A61B8816E25450E6CE5E1C93ACF1ABC1778064FDCBEFA921"
            + "DF1626BE4FD036E93D75E6A50E3A41E98028FE5FC235F5B889A589CB5215F2A4")

    /// Everything allocated for one operation, freed together.
    private final class Scratch {
        let context = BN_CTX_new()!
        var numbers: [OpaquePointer] = []
        var points: [OpaquePointer] = []
        func bn(_ bytes: [UInt8] = []) -> OpaquePointer {
            let n = BN_bin2bn(bytes, Int32(bytes.count), nil)!
            numbers.append(n)
            return n
        }
        func point(_ group: OpaquePointer) -> OpaquePointer {
            let p = EC_POINT_new(group)!
            points.append(p)
            return p
        }
        deinit {
            points.forEach { EC_POINT_free($0) }
            numbers.forEach { BN_free($0) }
            BN_CTX_free(context)
        }
    }

    private func bytes(_ n: OpaquePointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        BN_bn2binpad(n, &out, Int32(size))
        return out
    }

    /// e = α mod q, and 1 if that is 0 (the standard's step 2).
    private func reducedHash(_ hash: [UInt8], _ s: Scratch) -> OpaquePointer {
        let e = s.bn(hash)
        BN_nnmod(e, e, order, s.context)
        if BN_is_zero(e) == 1 { BN_set_word(e, 1) }
        return e
    }

    /// Q = dG, as (x, y).
    func publicKey(privateKey d: [UInt8]) throws -> (x: [UInt8], y: [UInt8]) {
        let s = Scratch()
        let q = s.point(group)
        let (x, y) = (s.bn(), s.bn())
        guard EC_POINT_mul(group, q, s.bn(d), nil, nil, s.context) == 1,
            EC_POINT_get_affine_coordinates(group, q, x, y, s.context) == 1
        else { throw TanbaError(.keyInvalid, "cannot derive the GOST public key") }
        return (bytes(x), bytes(y))
    }

    /// A random private key in [1, q − 1].
    func randomPrivateKey() -> [UInt8] {
        let s = Scratch()
        let d = s.bn()
        repeat { BN_priv_rand_range(d, order) } while BN_is_zero(d) == 1
        return bytes(d)
    }

    /// Signs a hash (big-endian integer α). `nonce` fixes k for the standard's example; otherwise k is random.
    func sign(hash: [UInt8], privateKey: [UInt8], nonce: [UInt8]? = nil) throws -> (r: [UInt8], s: [UInt8]) {
        let s = Scratch()
        let e = reducedHash(hash, s)
        let d = s.bn(privateKey)
        let k = s.bn(nonce ?? [])
        let c = s.point(group)
        let (cx, r, sig, t) = (s.bn(), s.bn(), s.bn(), s.bn())
        while true {
            if nonce == nil { repeat { BN_priv_rand_range(k, order) } while BN_is_zero(k) == 1 }
            guard EC_POINT_mul(group, c, k, nil, nil, s.context) == 1,
                EC_POINT_get_affine_coordinates(group, c, cx, nil, s.context) == 1
            else { throw TanbaError(.internal, "GOST signing failed: \(OpenSSL.lastError())") }
            BN_nnmod(r, cx, order, s.context)  // r = x_C mod q
            BN_mod_mul(sig, r, d, order, s.context)  // s = (r·d + k·e) mod q
            BN_mod_mul(t, k, e, order, s.context)
            BN_mod_add(sig, sig, t, order, s.context)
            if BN_is_zero(r) == 0 && BN_is_zero(sig) == 0 { return (bytes(r), bytes(sig)) }
            if nonce != nil { throw TanbaError(.internal, "the fixed nonce gives r = 0 or s = 0") }
        }
    }

    /// Verifies (r, s) over a hash with the public key (x, y). False for any malformed input.
    func verify(hash: [UInt8], r rBytes: [UInt8], s sBytes: [UInt8], publicKey: (x: [UInt8], y: [UInt8])) -> Bool {
        let s = Scratch()
        let (r, sig) = (s.bn(rBytes), s.bn(sBytes))
        // 0 < r, s < q
        guard BN_is_zero(r) == 0, BN_is_zero(sig) == 0, BN_cmp(r, order) < 0, BN_cmp(sig, order) < 0 else {
            return false
        }
        let q = s.point(group)
        guard EC_POINT_set_affine_coordinates(group, q, s.bn(publicKey.x), s.bn(publicKey.y), s.context) == 1
        else {
            OpenSSL.clearErrors()
            return false  // not a point of the curve
        }
        let e = reducedHash(hash, s)
        let v = s.bn()
        guard BN_mod_inverse(v, e, order, s.context) != nil else { return false }
        let (z1, z2, negR) = (s.bn(), s.bn(), s.bn())
        BN_mod_mul(z1, sig, v, order, s.context)  // z1 = s·v mod q
        BN_sub(negR, order, r)
        BN_mod_mul(z2, negR, v, order, s.context)  // z2 = −r·v mod q
        let c = s.point(group)
        let (cx, rr) = (s.bn(), s.bn())
        guard EC_POINT_mul(group, c, z1, q, z2, s.context) == 1,  // C = z1·G + z2·Q
            EC_POINT_get_affine_coordinates(group, c, cx, nil, s.context) == 1
        else {
            OpenSSL.clearErrors()
            return false
        }
        BN_nnmod(rr, cx, order, s.context)
        return BN_cmp(rr, r) == 0
    }
}
