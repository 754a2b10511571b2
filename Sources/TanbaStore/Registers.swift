public import Foundation
public import TanbaDomain

/// One subject of the state registers of legal entities and individual entrepreneurs, as the hub keeps its copy:
/// imported from the register's dump (`tanba registers import`) and kept current by the gateway's refresh.
public struct RegisterEntry: Sendable, Hashable, Codable {
    /// BIN (legal entity) or IIN (entrepreneur).
    public let id: String
    public var name: String?
    public var status: RegisterStatus
    /// The register's own status code (its directory), as given.
    public var registerCode: String?
    public var updatedAt: Date

    public init(id: String, name: String?, status: RegisterStatus, registerCode: String?, updatedAt: Date) {
        self.id = id
        self.name = name
        self.status = status
        self.registerCode = registerCode
        self.updatedAt = updatedAt
    }
}

/// The hub's copy of the registers, read.
public protocol RegisterReader {
    func registerEntry(_ id: String) throws -> RegisterEntry?
    /// Whether the copy holds any subject: none means no register was imported, and registrations are not
    /// checked against it. (Asked at every registration: an existence test, not a count of the whole register.)
    func registerImported() throws -> Bool
}

/// The hub's copy of the registers, written.
public protocol RegisterWriter: RegisterReader {
    /// Inserts new subjects and updates changed ones (name, status or code); the others are left as they are.
    /// - Returns: how many were inserted or changed.
    func save(_ entries: [RegisterEntry]) throws -> Int
}
