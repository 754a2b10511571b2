import ArgumentParser
import Foundation
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaPipeline
import TanbaPostgres
import TanbaSQLite
import TanbaStore

/// Where the embedded store and the reference data are.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The store: an SQLite file, or postgres://user[:password]@host:port/database (default: $TANBA_STORE or var/tanba.sqlite)."
    )
    var store: String?

    @Option(
        name: .long, help: "Reference data folder (default: $TANBA_REFERENCE_DIR, ./reference, or beside the binary).")
    var reference: String?

    /// The store's path: the option, `$TANBA_STORE`, or `var/tanba.sqlite`.
    var path: String { store ?? ProcessInfo.processInfo.environment["TANBA_STORE"] ?? "var/tanba.sqlite" }

    /// The commands that may create a store: those that put the first data into one (`participants add`,
    /// `catalog import`, `keys rotate`). Every other command refuses a missing store, so a mistyped `--store`
    /// is an error rather than an empty store that looks intact.
    static let creators = ["participants add", "catalog import", "keys rotate"]

    /// Opens the store: PostgreSQL for a `postgres://` URL, else the SQLite file.
    /// - Parameter mayCreate: whether this command may create a missing store (see `creators`); it says so on
    ///   standard error when it does. A PostgreSQL store is never missing: its migrations create the tables in
    ///   the database the URL names.
    /// - Throws: `CONFIG_INVALID` when the store does not exist and may not be created (or the URL is malformed);
    ///   `STORE_UNAVAILABLE` when the database server cannot be reached; `STORE_FAILURE`.
    func open(mayCreate: Bool = false) throws -> any HubStore {
        let path = path
        if PostgresStore.names(path) { return try PostgresStore(url: path) }
        let exists = FileManager.default.fileExists(atPath: path)
        guard exists || mayCreate else {
            throw TanbaError(
                .configInvalid,
                "no store at \(path): check --store or TANBA_STORE (\(Self.creators.joined(separator: ", ")) create one)"
            )
        }
        let opened = try SQLiteStore(path: path)
        if !exists {
            var stderr = StandardError()
            print("created a new store at \(path)", to: &stderr)
        }
        return opened
    }

    /// The reference lists, from the folder `Locations.referenceDirectory` finds.
    /// - Throws: `CONFIG_INVALID` naming the folder or file at fault.
    func referenceData() throws -> ReferenceData {
        let folder = try Locations.referenceDirectory(explicit: reference)
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        } catch {
            throw TanbaError(.configInvalid, "reference data folder \(folder.path) cannot be read")
        }
        return try ReferenceData(
            files: try files.map { file in
                guard let data = FileManager.default.contents(atPath: file.path) else {
                    throw TanbaError(.configInvalid, "reference data file \(file.lastPathComponent) cannot be read")
                }
                return (file.lastPathComponent, data)
            })
    }
}

/// Emission keys for the commands: the pipeline's store of them.
enum EmissionKeys {
    /// The newest key; the first one is made on first use, and audited with it (it changes the store).
    static func current(in store: any HubStore, at date: Date = Date()) throws -> EmissionKey {
        try store.write { tx in
            let existed = try !tx.emissionKeys().isEmpty
            let key = try EmissionKeyStore.current(in: tx, at: date)
            if !existed {
                try Audit.append(OperatorAudit.event("keys-create", object: key.id, result: "ok"), at: date, in: tx)
            }
            return key
        }
    }

    static func all(in store: any HubStore) throws -> [EmissionKey] {
        try store.read { try $0.emissionKeys().map(EmissionKeyStore.key) }
    }
}
