#ifndef TANBA_CXMLSEC_SHIM_H
#define TANBA_CXMLSEC_SHIM_H
// xmlsec1 (OpenSSL backend) for Swift.
//
// SwiftPM drops every -D flag that pkg-config prints for xmlsec1-openssl ("prohibited flags"), so they are
// repeated here. They are ABI, not options: without XMLSEC_NO_SIZE_T `xmlSecSize` is 8 bytes instead of 4
// and `xmlSecDSigCtx` grows from 1032 to 1104 bytes — silent memory corruption. A test compares the
// layout Swift sees with the one the C compiler sees (Tests/TanbaXMLTests/ABITests.swift).
#define __XMLSEC_FUNCTION__ __func__
#define XMLSEC_NO_SIZE_T 1
#define XMLSEC_OPENSSL3_ENGINES 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_CRYPTO_OPENSSL 1

#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/tree.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/templates.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/transforms.h>
#include <xmlsec/errors.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>

// Function-like macros are invisible to Swift; these return the klass ids they stand for.
static inline xmlSecTransformId tanba_xmlsec_enveloped(void) { return xmlSecTransformEnvelopedId; }
static inline xmlSecTransformId tanba_xmlsec_exc_c14n(void) { return xmlSecTransformExclC14NId; }
static inline xmlSecTransformId tanba_xmlsec_exc_c14n_comments(void) { return xmlSecTransformExclC14NWithCommentsId; }
static inline xmlSecTransformId tanba_xmlsec_c14n(void) { return xmlSecTransformInclC14NId; }
static inline xmlSecTransformId tanba_xmlsec_c14n_comments(void) { return xmlSecTransformInclC14NWithCommentsId; }
static inline xmlSecTransformId tanba_xmlsec_sha256(void) { return xmlSecTransformSha256Id; }
static inline xmlSecTransformId tanba_xmlsec_sha384(void) { return xmlSecTransformSha384Id; }
static inline xmlSecTransformId tanba_xmlsec_sha512(void) { return xmlSecTransformSha512Id; }
static inline xmlSecTransformId tanba_xmlsec_rsa_sha256(void) { return xmlSecTransformRsaSha256Id; }
static inline xmlSecTransformId tanba_xmlsec_rsa_sha384(void) { return xmlSecTransformRsaSha384Id; }
static inline xmlSecTransformId tanba_xmlsec_rsa_sha512(void) { return xmlSecTransformRsaSha512Id; }
static inline xmlSecTransformId tanba_xmlsec_ecdsa_sha256(void) { return xmlSecTransformEcdsaSha256Id; }
static inline xmlSecTransformId tanba_xmlsec_ecdsa_sha384(void) { return xmlSecTransformEcdsaSha384Id; }
static inline xmlSecTransformId tanba_xmlsec_ecdsa_sha512(void) { return xmlSecTransformEcdsaSha512Id; }
static inline xmlSecKeyDataId tanba_xmlsec_keydata_x509(void) { return xmlSecKeyDataX509Id; }

static inline unsigned int tanba_xmlsec_uri_empty(void) { return xmlSecTransformUriTypeEmpty; }
static inline unsigned int tanba_xmlsec_uri_none(void) { return xmlSecTransformUriTypeNone; }

/// The layout the C compiler gave the shim, for the ABI test.
static inline size_t tanba_xmlsec_sizeof_dsigctx_in_shim(void) { return sizeof(xmlSecDSigCtx); }

#endif
