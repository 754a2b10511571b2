import ArgumentParser
import Foundation
import Hummingbird
import Synchronization
import TanbaErrors
import TanbaXML

/// The command line: one subcommand per simulated system.
struct SimulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tanba-sim", abstract: "Simulators of the systems Tanba exchanges messages with.",
        subcommands: [
            EAEUCommand.self, EAEUSendCommand.self, EgovCommand.self, CRLCommand.self, OFDCommand.self,
            MoFSimulatorCommand.self,
        ])
}

/// `tanba-sim eaeu`: the receiving state's system of common process P.LS.03 (docs/INTEGRATIONS.md).
struct EAEUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eaeu",
        abstract: "An EAEU member state's system receiving P.LS.03 departures as SOAP 1.1 with WS-Addressing.")

    @Option(help: "Address to listen on: loopback only (127.0.0.1 or ::1).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, named in the listening line).") var port = 8090
    @Option(name: .customLong("fail-first"), help: "Answer the first N requests 503, as a failing receiver does.")
    var failFirst = 0
    @Option(help: "The hub's certificate (PEM): messages must be signed with it; unchecked when not given.")
    var trust: String?
    @Option(help: "Append one JSON line per newly received message to this file (and read it back at start).")
    var record: String?
    @Option(
        help:
            "Seconds to hold the answer to a newly received message (recorded at once; a repeat is answered at once): a slow receiver, for crash tests."
    )
    var hold: Double = 0

    func validate() throws {
        try validateListening(host: host, port: port, failFirst: failFirst)
        guard hold >= 0 else { throw ValidationError("--hold is 0 or more seconds") }
    }

    /// Runs the server until SIGTERM or SIGINT. The command line is synchronous (as `tanba serve`'s): the server runs
    /// on Swift concurrency while this thread waits.
    func run() throws {
        let pinned = try pinnedCertificate(trust)
        let simulator = try EAEUSimulator(
            failFirst: failFirst, pinned: pinned, record: record.map { URL(fileURLWithPath: $0) }, hold: hold)
        try serveSimulator(router: simulator.router(), host: host, port: port)
    }
}

/// Runs a simulator's `router` on `host`:`port` until SIGTERM or SIGINT: the listening line is written straight to
/// the descriptor once the port is bound (print's buffer would hold it on a pipe until exit); requests in flight
/// are answered, then the command returns. The command line is synchronous (as `tanba serve`'s): the server runs on
/// Swift concurrency while this thread waits.
/// - Throws: `CONFIG_INVALID` when the server cannot run (the port is taken).
func serveSimulator(router: Router<BasicRequestContext>, host: String, port requested: Int) throws {
    let application = Application(
        router: router,
        configuration: .init(address: .hostname(host, port: requested), serverName: "tanba-sim"),
        onServerRunning: { channel in
            let bound = channel.localAddress?.port ?? requested
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)\n".utf8))
        })
    let done = DispatchSemaphore(value: 0)
    let failure = Failure()
    Task {
        do { try await application.runService() } catch { failure.error.withLock { $0 = "\(error)" } }
        done.signal()
    }
    done.wait()
    if let error = failure.error.withLock({ $0 }) {
        throw TanbaError(.configInvalid, "cannot serve on \(host):\(requested): \(error)")
    }
}

/// The server's error, carried back to the waiting thread.
final class Failure: Sendable {
    let error = Mutex<String?>(nil)
}

/// What every simulator checks of where it listens: loopback only, a port number, no negative count of failures.
func validateListening(host: String, port: Int, failFirst: Int = 0) throws {
    guard host == "127.0.0.1" || host == "::1" || host == "localhost" else {
        throw ValidationError("the simulator listens on loopback only (127.0.0.1 or ::1), not \(host)")
    }
    guard (0...65535).contains(port) else { throw ValidationError("--port is 0 to 65535") }
    guard failFirst >= 0 else { throw ValidationError("--fail-first is 0 or more") }
}

/// The certificate a simulator pins (`--trust`): what it received must be signed with it; nil when not given.
/// - Throws: `CONFIG_INVALID` for a file without a certificate.
func pinnedCertificate(_ path: String?) throws -> Certificate? {
    guard let path else { return nil }
    guard let certificate = try Certificate.load(contentsOf: URL(fileURLWithPath: path)).first else {
        throw TanbaError(.configInvalid, "no certificate in \(path)")
    }
    return certificate
}

/// Runs async work (a client's requests) from the synchronous command line and returns its result.
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// The result of `blocking`'s task, handed to the waiting thread (written once, before the semaphore is signalled).
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
