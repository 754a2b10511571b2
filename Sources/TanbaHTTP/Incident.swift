import Logging
import TanbaErrors

/// The hub's own faults, told to a client by an id and to the operator in full.
///
/// A client must never see SQL, a path or a stack (they are the hub's insides and may help an attacker), yet the
/// operator must find what went wrong from what the client reports: the answer carries an incident id, and the
/// log line with the error carries the same id.
enum Incident {
    /// The incident id for a refusal, when it is the hub's fault: an `internal`-category error is logged at error
    /// level under a new id. A capacity limit (`SERVICE_BUSY`) is not a fault but the hub shedding load by design:
    /// it is logged at warning level, with no id — under a flood, an error line and an incident per refused
    /// request would bury the faults an operator must find. The sender's own faults get neither.
    static func of(_ error: TanbaError, logger: Logger) -> String? {
        guard error.category == .internal else { return nil }
        if error.code == .serviceBusy {
            logger.warning("capacity limit", metadata: ["code": "\(error.code)", "reason": "\(error.message)"])
            return nil
        }
        return record(error, logger: logger)
    }

    /// Logs `error` at error level under a new incident id and returns the id (`INC-` and 12 hex digits).
    static func record(_ error: any Error, logger: Logger, path: String? = nil) -> String {
        var generator = SystemRandomNumberGenerator()
        let bits = UInt64.random(in: 0...UInt64.max, using: &generator) & 0xFFFF_FFFF_FFFF
        let hex = String(bits, radix: 16)
        let id = "INC-" + String(repeating: "0", count: 12 - hex.count) + hex
        var metadata: Logger.Metadata = ["incident": "\(id)", "error": "\(error)"]
        if let path { metadata["path"] = "\(path)" }
        logger.error("internal fault", metadata: metadata)
        return id
    }
}
