internal import CLibXML2
internal import COpenSSL
internal import CXMLSec
import Foundation
import TanbaErrors

/// One-time, process-wide initialisation of libxml2, xmlsec1 and its OpenSSL backend.
///
/// xmlsec's error callback is process-global, so its messages are routed to a per-thread collector
/// (`XMLSecErrors`): concurrent verifications on other threads never see each other's errors.
enum LibraryRuntime {
    /// Touch this before any call into the C libraries. A lazily initialised `static let` runs exactly once.
    static let ready: Bool = {
        xmlInitParser()
        // Never `xmlSubstituteEntitiesDefault(1)` or `xmlLoadExtDtdDefaultValue` as xmlsec's examples do:
        // documents with a DOCTYPE are refused before anything could expand.
        guard xmlSecInit() >= 0 else { fatalError("xmlSecInit failed") }
        guard xmlSecCheckVersionExt(1, 2, 37, xmlSecCheckVersionABICompatible) == 1 else {
            fatalError("xmlsec1 library is not ABI compatible with the headers Tanba was built against")
        }
        guard xmlSecOpenSSLAppInit(nil) >= 0, xmlSecOpenSSLInit() >= 0 else {
            fatalError("xmlsec1 OpenSSL backend failed to initialise")
        }
        xmlSecErrorsSetCallback(XMLSecErrors.callback)
        return true
    }()

    /// Versions of the C libraries this process runs with, for `tanba version` and diagnostics.
    static var versions: [String: String] {
        _ = ready
        let openssl = String(cString: OpenSSL_version(Int32(OPENSSL_VERSION)))
        let libxml = String(cString: __xmlParserVersion().pointee!)
        return [
            "libxml2": libxml,
            "xmlsec1": "\(XMLSEC_VERSION_MAJOR).\(XMLSEC_VERSION_MINOR).\(XMLSEC_VERSION_SUBMINOR)",
            "openssl": openssl,
        ]
    }
}

/// Versions of the C libraries in use.
public enum LibraryVersions {
    /// `["libxml2": "20914", "xmlsec1": "1.2.37", "openssl": "OpenSSL 3.0.…"]`
    public static var all: [String: String] { LibraryRuntime.versions }
}

/// Struct layouts as this build of Swift sees them, for the ABI test against the C compiler.
public enum LibraryABI {
    /// `sizeof(xmlSecDSigCtx)` as imported into Swift (1032 on Debian 12 with XMLSEC_NO_SIZE_T).
    public static var xmlSecDSigCtxSize: Int { MemoryLayout<xmlSecDSigCtx>.size }
    /// `sizeof(xmlSecDSigCtx)` as the shim header's C compilation sees it.
    public static var xmlSecDSigCtxSizeInShim: Int { Int(tanba_xmlsec_sizeof_dsigctx_in_shim()) }
    /// `sizeof(xmlSecKeyInfoCtx)` as imported into Swift.
    public static var xmlSecKeyInfoCtxSize: Int { MemoryLayout<xmlSecKeyInfoCtx>.size }
}

/// Per-thread collection of xmlsec error messages.
enum XMLSecErrors {
    final class Box { var messages: [String] = [] }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in if let raw { Unmanaged<Box>.fromOpaque(raw).release() } }
        return key
    }()

    private static var box: Box {
        if let raw = pthread_getspecific(key) { return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue() }
        let box = Box()
        pthread_setspecific(key, Unmanaged.passRetained(box).toOpaque())
        return box
    }

    /// Runs `body`, returning its result and the xmlsec messages it produced on this thread.
    static func collecting<T>(_ body: () throws -> T) rethrows -> (T, [String]) {
        let box = self.box
        let saved = box.messages
        box.messages = []
        defer { box.messages = saved }
        let result = try body()
        return (result, box.messages)
    }

    static let callback: xmlSecErrorsCallback = { _, _, function, object, subject, reason, message in
        func text(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        let parts = [text(function), text(object), text(subject), text(message)].compactMap { $0 }
            .filter { !$0.isEmpty && $0 != "NULL" }
        XMLSecErrors.box.messages.append("reason=\(reason) " + parts.joined(separator: ": "))
    }
}
