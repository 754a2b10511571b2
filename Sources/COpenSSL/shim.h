#ifndef TANBA_COPENSSL_SHIM_H
#define TANBA_COPENSSL_SHIM_H
// OpenSSL 3 for Swift: stack and free macros as functions Swift can call.
// The EC_POINT/EC_GROUP prime-curve API is deprecated in 3.0 but present and maintained; Kazakh GOST
// 34.10-2015 uses it on a curve no provider knows (see Sources/TanbaXML/Crypto/GOSTCurve.swift).
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/engine.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>

static inline void tanba_openssl_free(void *p) { OPENSSL_free(p); }
static inline long tanba_bio_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }

static inline STACK_OF(X509) *tanba_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int tanba_sk_X509_push(STACK_OF(X509) *s, X509 *x) { return sk_X509_push(s, x); }
static inline void tanba_sk_X509_free(STACK_OF(X509) *s) { sk_X509_free(s); }
static inline void tanba_sk_X509_pop_free(STACK_OF(X509) *s) { sk_X509_pop_free(s, X509_free); }
static inline int tanba_sk_X509_num(const STACK_OF(X509) *s) { return sk_X509_num(s); }
static inline X509 *tanba_sk_X509_value(const STACK_OF(X509) *s, int i) { return sk_X509_value(s, i); }

static inline int tanba_sk_X509_INFO_num(const STACK_OF(X509_INFO) *s) { return sk_X509_INFO_num(s); }
static inline X509_INFO *tanba_sk_X509_INFO_value(const STACK_OF(X509_INFO) *s, int i) { return sk_X509_INFO_value(s, i); }
static inline void tanba_sk_X509_INFO_pop_free(STACK_OF(X509_INFO) *s) { sk_X509_INFO_pop_free(s, X509_INFO_free); }

static inline int tanba_sk_X509_REVOKED_num(const STACK_OF(X509_REVOKED) *s) { return sk_X509_REVOKED_num(s); }
static inline X509_REVOKED *tanba_sk_X509_REVOKED_value(const STACK_OF(X509_REVOKED) *s, int i) { return sk_X509_REVOKED_value(s, i); }

static inline int tanba_sk_ASN1_OBJECT_num(const STACK_OF(ASN1_OBJECT) *s) { return sk_ASN1_OBJECT_num(s); }
static inline ASN1_OBJECT *tanba_sk_ASN1_OBJECT_value(const STACK_OF(ASN1_OBJECT) *s, int i) { return sk_ASN1_OBJECT_value(s, i); }
static inline void tanba_sk_ASN1_OBJECT_pop_free(STACK_OF(ASN1_OBJECT) *s) { sk_ASN1_OBJECT_pop_free(s, ASN1_OBJECT_free); }

static inline EXTENDED_KEY_USAGE *tanba_x509_get_eku(X509 *x) {
    return (EXTENDED_KEY_USAGE *)X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
}
// RFC 2253 names with UTF-8 kept readable (Kazakh and Russian subjects).
static inline unsigned long tanba_xn_flag_rfc2253_utf8(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }
static inline void tanba_x509v3_set_ctx_nodb(X509V3_CTX *ctx) { X509V3_set_ctx_nodb(ctx); }

// OpenSSL 3 deprecates EC_GROUP_precompute_mult (its own curves carry precomputed tables), but a curve built from
// parameters, as GOST R 34.10's paramSetA is here, still gains from it: k·G in signing and z1·G in verifying.
// Called through C so the deprecation is acknowledged once, here, and not warned about in every Swift build.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static inline int tanba_ec_group_precompute_mult(EC_GROUP *group, BN_CTX *ctx) {
    return EC_GROUP_precompute_mult(group, ctx);
}
#pragma GCC diagnostic pop

#endif
