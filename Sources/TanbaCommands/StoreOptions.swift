import ArgumentParser
import Foundation
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaPipeline
import TanbaSQLite
import TanbaStore

/// Where the embedded store and the reference data are.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The embedded store (SQLite file; default: $TANBA_STORE or var/tanba.sqlite).")
    var store: String?

    @Option(
        name: .long, help: "Reference data folder (default: $TANBA_REFERENCE_DIR, ./reference, or beside the binary).")
    var reference: String?

    func open() throws -> SQLiteStore {
        let env = ProcessInfo.processInfo.environment
        return try SQLiteStore(path: store ?? env["TANBA_STORE"] ?? "var/tanba.sqlite")
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
    static func current(in store: any HubStore, at date: Date = Date()) throws -> EmissionKey {
        try store.write { try EmissionKeyStore.current(in: $0, at: date) }
    }

    static func all(in store: any HubStore) throws -> [EmissionKey] {
        try store.read { try $0.emissionKeys().map(EmissionKeyStore.key) }
    }
}
