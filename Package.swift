// swift-tools-version:6.0
import PackageDescription

/// Tanba: the document-exchange hub of Kazakhstan's marking-and-traceability system.
///
/// Layers, bottom up (see docs/ARCHITECTURE.md):
/// C system libraries → `TanbaXML` (the only module that touches C) → commands → the `tanba` executable.
var swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]
// CI (.ci/run) builds with TANBA_WARNINGS_AS_ERRORS=1: the build is quiet, so a new warning in Tanba's own code fails
// it. Dependencies are built by SwiftPM with their warnings suppressed and are not affected.
if Context.environment["TANBA_WARNINGS_AS_ERRORS"] == "1" {
    swiftSettings.append(.unsafeFlags(["-warnings-as-errors"]))
}

let package = Package(
    name: "tanba",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tanba", targets: ["tanba"]),
        .library(name: "TanbaXML", targets: ["TanbaXML"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        // C libraries from Debian; each shim fixes what SwiftPM or Swift cannot see (see the headers).
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // libdmtx (DataMatrix), libpng and libjpeg-turbo: only `TanbaBarcode` imports them.
        .systemLibrary(name: "CDmtx", pkgConfig: "libdmtx", providers: [.apt(["libdmtx-dev"])]),
        .systemLibrary(name: "CImaging", pkgConfig: "libpng", providers: [.apt(["libpng-dev", "libjpeg-dev"])]),

        // One stable error-code space for receipts, HTTP answers, CLI output and docs. Pure Swift.
        .target(name: "TanbaErrors", swiftSettings: swiftSettings),

        // The thin safe layer over libxml2, xmlsec1 and OpenSSL: parsing, XSD, XMLDSig (xmlsec1 for RSA/ECDSA,
        // a native engine for Kazakh GOST 34.10-2015), X.509, test PKI.
        .target(
            name: "TanbaXML",
            dependencies: [
                "CLibXML2", "CXMLSec", "COpenSSL", "TanbaErrors",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings),

        // GS1 DataMatrix labels (libdmtx) as PNG and SVG, printable A4 sheets, reading codes from photos, and photos
        // cleaned of their metadata (libpng, libjpeg-turbo). The second module that touches C, for pictures only.
        .target(
            name: "TanbaBarcode", dependencies: ["CDmtx", "CImaging", "TanbaErrors"], swiftSettings: swiftSettings),

        // The domain: marking codes (GS1), statuses and their state machine, aggregation, participants,
        // reference data. Pure Swift values, no I/O.
        .target(name: "TanbaDomain", dependencies: ["TanbaErrors"], swiftSettings: swiftSettings),

        // Emission of marking codes: unique serials and the cryptographic verification tail (AI 91/92).
        .target(
            name: "TanbaEmission",
            dependencies: ["TanbaDomain", "TanbaErrors", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),

        // The store interface the hub uses, and its embedded SQLite implementation (GRDB, WAL, migrations).
        .target(
            name: "TanbaStore",
            dependencies: ["TanbaDomain", "TanbaErrors", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings),
        .target(
            name: "TanbaSQLite",
            dependencies: ["TanbaStore", "TanbaDomain", "TanbaErrors", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
        // The PostgreSQL store (postgres-nio): the same semantics as SQLite's, shared by several hub processes.
        .target(
            name: "TanbaPostgres",
            dependencies: [
                "TanbaStore", "TanbaDomain", "TanbaErrors", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // The document pipeline: parse, XSD, signature and authority, format-logical control, atomic
        // application, signed receipts.
        .target(
            name: "TanbaPipeline",
            dependencies: [
                "TanbaXML", "TanbaDomain", "TanbaStore", "TanbaEmission", "TanbaErrors", "TanbaIntegrations",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),

        // The channel-independent core every channel calls: login and sessions, the access policy, list queries
        // and code look-ups, view models, error messages in kk/ru/en, and the `HubCore` facade over them.
        .target(
            name: "TanbaCore",
            dependencies: [
                "TanbaPipeline", "TanbaXML", "TanbaDomain", "TanbaStore", "TanbaEmission", "TanbaBarcode",
                "TanbaErrors", "TanbaIntegrations",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),

        // The HTTP API (Hummingbird): thin controllers over `TanbaCore`, plus authentication, rate limits, audit,
        // metrics and logs.
        .target(
            name: "TanbaHTTP",
            dependencies: [
                "TanbaCore", "TanbaPipeline", "TanbaXML", "TanbaDomain", "TanbaStore", "TanbaErrors",
                "TanbaIntegrations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),

        // The web application for participants' clerks (kk/ru/en): server-rendered pages from the templates in
        // web/, cookie sessions with form tokens, signing in the browser through NCALayer; thin pages over
        // `TanbaCore`, served by the HTTP server beside the API.
        .target(
            name: "TanbaWeb",
            dependencies: [
                "TanbaCore", "TanbaHTTP", "TanbaPipeline", "TanbaXML", "TanbaDomain", "TanbaStore", "TanbaErrors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: swiftSettings),

        // Integrations with other systems: the EAEU messages of common process P.LS.03 (XML in the Commission's style)
        // and the SOAP 1.1 + WS-Addressing envelopes that carry them. Pure Swift over the XML module.
        .target(
            name: "TanbaIntegrations", dependencies: ["TanbaXML", "TanbaDomain", "TanbaErrors"],
            swiftSettings: swiftSettings),
        // `tanba-sim`: simulators of the hub's counterparts for tests and `make demo` (first: an EAEU partner's system).
        .executableTarget(
            name: "tanba-sim",
            dependencies: [
                "TanbaIntegrations", "TanbaXML", "TanbaErrors", "TanbaDomain",
                .product(name: "Hummingbird", package: "hummingbird"),
                // `tanba-sim ofd` is a client: it posts signed batches of cash receipts to the hub.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),

        // Delivery of the outbox to other systems: each channel's transport (EAEU: SOAP over HTTP) and the outbox
        // workers as services of `tanba serve`.
        .target(
            name: "TanbaOutbound",
            dependencies: [
                "TanbaCore", "TanbaIntegrations", "TanbaStore", "TanbaPipeline", "TanbaDomain", "TanbaErrors",
                "TanbaXML",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // CRLs of the trusted CAs fetched from their distribution points and swapped into the trust store in force.
        .target(
            name: "TanbaRevocation",
            dependencies: [
                "TanbaXML", "TanbaErrors",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // EDI drop folders: in/ → work/ → out/ + archive/ or error/, crash-safe.
        .target(
            name: "TanbaFolders",
            dependencies: [
                "TanbaCore", "TanbaPipeline", "TanbaStore", "TanbaErrors",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // `tanba signer`: a local signer speaking NCALayer's websocket protocol (the `sign` subset) with key files, for
        // users and browser tests without NCALayer. Loopback only, TLS, browser origins allow-listed.
        .target(
            name: "TanbaSigner",
            dependencies: [
                "TanbaXML", "TanbaErrors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),

        // The `tanba` command line (argument parsing and output only; the work is done below).
        .target(
            name: "TanbaCommands",
            dependencies: [
                "TanbaXML", "TanbaErrors", "TanbaDomain", "TanbaEmission", "TanbaStore", "TanbaSQLite", "TanbaPostgres",
                "TanbaPipeline", "TanbaCore", "TanbaHTTP", "TanbaWeb", "TanbaFolders", "TanbaSigner", "TanbaBarcode",
                "TanbaOutbound", "TanbaRevocation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "tanba", dependencies: ["TanbaCommands"], swiftSettings: swiftSettings),

        // `make bench`: release-build benchmarks, kept out of the test run.
        .executableTarget(
            name: "tanba-bench",
            dependencies: [
                "TanbaXML", "TanbaErrors", "TanbaDomain", "TanbaEmission", "TanbaStore", "TanbaSQLite", "TanbaPostgres",
                "TanbaPipeline", "TanbaBarcode", "TanbaCore", "TanbaIntegrations", "TanbaOutbound",
                "TanbaHTTP", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/TanbaBench",
            swiftSettings: swiftSettings),

        // Helpers shared by the test targets.
        .target(
            name: "TanbaTestSupport", dependencies: ["TanbaErrors"], path: "Tests/TanbaTestSupport",
            swiftSettings: swiftSettings),
        // The stores the store tests run on (SQLite, and PostgreSQL when TANBA_TEST_POSTGRES names a server).
        .target(
            name: "TanbaStoreTestSupport",
            dependencies: [
                "TanbaStore", "TanbaSQLite", "TanbaPostgres", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TanbaStoreTestSupport", swiftSettings: swiftSettings),
        // Browser tests: a small W3C WebDriver client (AsyncHTTPClient) driving Debian's chromium through chromedriver.
        .target(
            name: "TanbaBrowserTestSupport",
            dependencies: [
                "TanbaTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TanbaBrowserTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaXMLTests", dependencies: ["TanbaXML", "TanbaErrors", "TanbaTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaDomainTests",
            dependencies: [
                "TanbaDomain", "TanbaErrors", "TanbaEmission", "TanbaTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The GS1 corpus is read from the source tree (#filePath), like the repository's reference data.
            exclude: ["Resources"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaStoreTests",
            dependencies: [
                "TanbaStore", "TanbaSQLite", "TanbaDomain", "TanbaEmission", "TanbaErrors", "TanbaTestSupport",
                "TanbaStoreTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaPipelineTests",
            dependencies: [
                "TanbaPipeline", "TanbaXML", "TanbaStore", "TanbaSQLite", "TanbaDomain", "TanbaEmission", "TanbaErrors",
                "TanbaTestSupport", "TanbaStoreTestSupport",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaCoreTests",
            dependencies: [
                "TanbaCore", "TanbaPipeline", "TanbaXML", "TanbaStore", "TanbaSQLite", "TanbaPostgres", "TanbaDomain",
                "TanbaErrors", "TanbaTestSupport", "TanbaStoreTestSupport",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaHTTPTests",
            dependencies: [
                "TanbaHTTP", "TanbaCore", "TanbaPipeline", "TanbaXML", "TanbaStore", "TanbaSQLite", "TanbaDomain",
                "TanbaEmission", "TanbaErrors", "TanbaTestSupport", "TanbaStoreTestSupport", "TanbaFolders",
                // The web application: its pages are tested over the same hub fixture as the API's (WebPageTests),
                // and in Chromium with `tanba signer` (WebBrowserTests).
                "TanbaWeb", "TanbaSigner", "TanbaBrowserTestSupport",
                // Labels the hub prints, photographed and sent back to the public check (PhotoCheckTests).
                "TanbaBarcode",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // The command line's list options, read by the same parser as the query string (ChannelParityTests).
                "TanbaCommands", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // A raw TCP client: the Expect: 100-continue exchange is about bytes and their timing.
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaBarcodeTests",
            dependencies: ["TanbaBarcode", "TanbaDomain", "TanbaEmission", "TanbaErrors", "TanbaTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaCLITests",
            dependencies: [
                "tanba", "TanbaXML", "TanbaErrors", "TanbaTestSupport", "TanbaStoreTestSupport", "TanbaStore",
                // The EAEU partner's simulator, as a process beside `tanba serve` (EAEUDeliveryTests).
                "tanba-sim", "TanbaIntegrations",
                // The CRL refresh against `tanba-sim crl` (CRLRefreshTests).
                "TanbaRevocation", .product(name: "Logging", package: "swift-log"),
                // Labels the command line printed, read back (LabelsCLITests).
                "TanbaBarcode",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaIntegrationsTests",
            dependencies: [
                "TanbaIntegrations", "TanbaXML", "TanbaErrors", "TanbaDomain", "TanbaTestSupport",
                // `tanba-sim` as a process: built before the tests run.
                "tanba-sim",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TanbaSignerTests",
            dependencies: [
                "TanbaSigner", "TanbaXML", "TanbaErrors", "TanbaTestSupport", "TanbaBrowserTestSupport",
                // `tanba signer` as a process: built before the tests run.
                "tanba",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
