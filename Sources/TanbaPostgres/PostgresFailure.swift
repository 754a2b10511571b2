import NIOCore
import PostgresNIO
import TanbaErrors

/// What a failed PostgreSQL call means, in words an operator can act on, and which error code it gets.
///
/// postgres-nio's errors can carry the SQL statement, the server's message (which may quote data) and the
/// server's address: none of that may reach a user, a log line or an HTTP answer. Only the SQLSTATE's meaning
/// is told.
enum PostgresFailure {
    /// The SQLSTATE of a server error, if `error` is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Whether the connection is gone (the server stopped, the network broke): the connection is not reused.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if let stale = error as? StaleConnection { return isConnectionLoss(stale.underlying) }
        if error is Blocking.ConnectionLost { return true }
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                .messageDecodingFailure, .unexpectedBackendMessage:
                return true
            case .server:
                // Administrator shutdown, crash recovery, "the database system is starting up or shutting down".
                return sqlState(error).map { $0.hasPrefix("57P") || $0.hasPrefix("08") } ?? false
            default:
                return false
            }
        }
        return error is ChannelError || error is IOError
    }

    /// The Tanba error for a PostgreSQL error: `STORE_CONFLICT` where deciding again may succeed (deadlock,
    /// serialization, a unique key taken meanwhile), `STORE_UNAVAILABLE` where waiting may cure it (the server
    /// down or starting, a lock or statement timeout, too many connections, a full disk), `STORE_FAILURE` else.
    static func translate(_ error: any Error) -> TanbaError {
        if isConnectionLoss(error) {
            return TanbaError(.storeUnavailable, "the store is unavailable: the database server cannot be reached")
        }
        guard let state = sqlState(error) else {
            return TanbaError(.storeFailure, "the store failed: an unexpected reply from the database server")
        }
        switch state {
        case "40P01", "40001", "23505":
            return TanbaError(.storeConflict, "the store changed meanwhile (\(reason(state))); decided again")
        case "55P03", "57014", "53300", "53100", "53200", "58030":
            return TanbaError(.storeUnavailable, "the store is unavailable: \(reason(state))")
        // A text with a NUL (which PostgreSQL's text cannot hold) is the caller's input, not the store's fault; the
        // channels refuse control characters before they get here, this is the net under them.
        case "22021", "22P05":
            return TanbaError(.requestInvalid, "a value holds a character the store cannot keep (NUL)")
        default:
            return TanbaError(.storeFailure, "the store failed: \(reason(state))")
        }
    }

    static func reason(_ state: String) -> String {
        switch state {
        case "40P01": "a deadlock with another transaction"
        case "40001": "a serialization failure"
        case "23505": "a record conflicts with one already stored"
        case "55P03": "a lock stayed held by another transaction for \(Int(PostgresStore.lockTimeout)) s; try again"
        case "57014": "a statement ran too long and was cancelled"
        case "53300": "the database server has no free connection"
        case "53100": "the database server's disk is full"
        case "53200": "the database server is out of memory"
        case "58030": "a disk read or write failed on the database server"
        case "3D000": "the database does not exist"
        case "28P01", "28000": "the database server refused the login"
        case "42501": "the database user lacks a permission"
        case "25006": "the database is read-only"
        default: "PostgreSQL error \(state)"
        }
    }
}

/// A failure of BEGIN, the first statement on a pooled connection: the connection may have died while idle.
struct StaleConnection: Error { let underlying: any Error }
