import Foundation
import PostgresNIO
import TanbaErrors

/// A `postgres://user[:password]@host[:port]/database[?pool=N]` connection string, parsed.
struct PostgresURL: Sendable {
    let host: String
    let port: Int
    let user: String
    let password: String?
    let database: String
    /// The connection pool's size, from the URL's `?pool=N` (1–64), if given.
    let poolSize: Int?

    /// Whether `text` names a PostgreSQL store rather than an SQLite file.
    static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// - Throws: `CONFIG_INVALID` for a string that is not such a URL (the message never repeats the password).
    init(_ text: String) throws {
        guard Self.isPostgres(text), let components = URLComponents(string: text), let host = components.host,
            !host.isEmpty, let user = components.user, !user.isEmpty
        else {
            throw TanbaError(
                .configInvalid, "the store URL must read postgres://user[:password]@host[:port]/database")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        self.host = host
        self.port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.isEmpty ? self.user : (database.removingPercentEncoding ?? database)
        var poolSize: Int?
        for item in components.queryItems ?? [] {
            guard item.name == "pool", let value = item.value.flatMap(Int.init), (1...64).contains(value) else {
                throw TanbaError(.configInvalid, "the store URL takes one parameter, pool=N (1-64 connections)")
            }
            poolSize = value
        }
        self.poolSize = poolSize
    }

    /// The URL without its password: what messages and logs may show.
    var location: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    var configuration: PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
