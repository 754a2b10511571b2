import Foundation
import TanbaXML
import Testing

/// SwiftPM drops xmlsec's -D flags; the shim repeats them. If they ever diverge, `xmlSecDSigCtx` changes size
/// (1032 vs 1104 bytes) and every field after the first `xmlSecSize` is read at the wrong offset.
@Suite(.blocking) struct ABITests {
    @Test func swiftSeesTheSameLayoutAsTheCCompiler() throws {
        let cc = try #require(Fixtures.which("cc"), "a C compiler is needed for the ABI check")
        // The system's own pkg-config file, with the -D flags the library was built with: not the trimmed copy the
        // Makefile puts on PKG_CONFIG_PATH for SwiftPM (Sources/CXMLSec/pkgconfig).
        let flags = try Fixtures.run(
            "/usr/bin/env", ["-u", "PKG_CONFIG_PATH", "pkg-config", "--cflags", "xmlsec1-openssl"]
        )
        .output
        .split(separator: " ").map(String.init).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .filter { !$0.isEmpty }
        let source = try Fixtures.temporaryFile(
            Array(
                """
                #include <stdio.h>
                #include <xmlsec/xmldsig.h>
                int main(void) { printf("%zu %zu\\n", sizeof(xmlSecDSigCtx), sizeof(xmlSecKeyInfoCtx)); return 0; }
                """.utf8), name: "abi.c")
        let binary = source.deletingLastPathComponent().appendingPathComponent("abi").path
        let compiled = try Fixtures.run(cc, flags + [source.path, "-o", binary])
        #expect(compiled.status == 0, "\(compiled.error)")
        let sizes = try Fixtures.run(binary, []).output.split(separator: " ").compactMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(sizes == [LibraryABI.xmlSecDSigCtxSize, LibraryABI.xmlSecKeyInfoCtxSize])
        #expect(LibraryABI.xmlSecDSigCtxSize == LibraryABI.xmlSecDSigCtxSizeInShim)
    }

    @Test func librariesAreTheOnesTheNotesDescribe() {
        let versions = LibraryVersions.all
        #expect(versions["xmlsec1"]?.hasPrefix("1.") == true)
        #expect(versions["openssl"]?.contains("OpenSSL 3") == true)
        #expect(versions["libxml2"] != nil)
    }
}
