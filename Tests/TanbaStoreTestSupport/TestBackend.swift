import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import TanbaPostgres
import TanbaSQLite
public import TanbaStore
public import Testing

/// The stores the store-dependent tests run on: every parameterised test runs once per available backend.
///
/// SQLite always; PostgreSQL when `TANBA_TEST_POSTGRES` names a server the tests may create databases on
/// (`postgres://tanba@127.0.0.1:PORT/postgres`, as `scripts/postgres.sh start` prints it; `make test` always
/// sets it). Each store is new and empty: a file in a new temp folder, or a new database on that server.
public enum TestBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    /// The backends this run can use.
    public static var available: [TestBackend] { server == nil ? [.sqlite] : allCases }

    /// The PostgreSQL server's URL (its maintenance database), from `TANBA_TEST_POSTGRES`.
    public static let server: String? = ProcessInfo.processInfo.environment["TANBA_TEST_POSTGRES"].flatMap {
        $0.isEmpty ? nil : $0
    }

    public var testDescription: String { rawValue }

    /// A new, empty store on this backend.
    public func makeStore() throws -> any HubStore {
        switch self {
        case .sqlite: try SQLiteStore(path: try makeLocation())
        case .postgres: try PostgresStore(url: try makeLocation())
        }
    }

    /// The store at `location` (a path, or a `postgres://` URL), as a process given `--store location` opens it.
    public static func open(_ location: String) throws -> any HubStore {
        location.hasPrefix("postgres://") ? try PostgresStore(url: location) : try SQLiteStore(path: location)
    }

    /// Where a new, empty store is, for processes given `--store` or `TANBA_STORE`: a path in a new temp folder
    /// (the file does not exist yet), or the URL of a new database.
    public func makeLocation() throws -> String {
        switch self {
        case .sqlite:
            return FileManager.default.temporaryDirectory.appendingPathComponent(
                "tanba-\(UUID().uuidString)/store.sqlite"
            ).path
        case .postgres:
            guard let server = Self.server else {
                throw BackendUnavailable(reason: "TANBA_TEST_POSTGRES is not set")
            }
            return try Self.createDatabase(on: server)
        }
    }

    /// `CREATE DATABASE tanba_t_<random>` on the server; returns its URL. The name is made here of hex digits
    /// (an identifier cannot be a bind parameter).
    static func createDatabase(on server: String) throws -> String {
        guard var components = URLComponents(string: server), let host = components.host, let user = components.user
        else { throw BackendUnavailable(reason: "TANBA_TEST_POSTGRES is not a postgres:// URL") }
        let name = "tanba_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: String(components.path.dropFirst()), tls: .disable)
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let connection = try PostgresConnection.connect(
            on: eventLoop, configuration: configuration, id: 1, logger: Logger(label: "tanba.tests.postgres")
        ).wait()
        defer { try? connection.close().wait() }
        _ = try connection.query(
            PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "tanba.tests.postgres")
        ).wait()
        components.path = "/" + name
        return components.string ?? server
    }

    /// The folder of the private server `scripts/postgres.sh` started (`TANBA_TEST_POSTGRES_DIR`), for tests
    /// that stop and restart it.
    public static let serverFolder: String? = ProcessInfo.processInfo.environment["TANBA_TEST_POSTGRES_DIR"]
}

/// A backend the run was not given.
public struct BackendUnavailable: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }

    public init(reason: String) { self.reason = reason }
}
