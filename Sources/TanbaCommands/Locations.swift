import Foundation
import TanbaErrors

/// Where `tanba` finds its data folders (XSD schemas, reference data), wherever it is installed.
///
/// Search order: the explicit option, the environment variable, `./NAME`, `NAME` beside the binary,
/// `../share/tanba/NAME` relative to the binary (`make install PREFIX=…` puts the binary in `PREFIX/bin` and the
/// folders in `PREFIX/share/tanba`), then the folders above the binary (a development build in
/// `.build/<triple>/debug/` finds the repository's).
enum Locations {
    /// A data folder, checked to hold `marker`.
    /// - Parameter label: what the folder is, for messages ("schema", "reference data").
    /// - Throws: `CONFIG_INVALID` when a folder named by option or environment does not exist or lacks `marker`,
    ///   or when none is found.
    static func folder(explicit: String?, environment: String, name: String, marker: String, label: String) throws
        -> URL
    {
        let fm = FileManager.default
        // A folder the user named is used or refused, never silently replaced by another one.
        if let named = explicit ?? ProcessInfo.processInfo.environment[environment] {
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: named, isDirectory: &isFolder), isFolder.boolValue else {
                throw TanbaError(.configInvalid, "\(label) folder \(named) does not exist")
            }
            guard fm.fileExists(atPath: URL(fileURLWithPath: named).appendingPathComponent(marker).path) else {
                throw TanbaError(.configInvalid, "\(label) folder \(named) has no \(marker): not a \(label) folder")
            }
            return URL(fileURLWithPath: named)
        }
        for candidate in candidates(name: name)
        where fm.fileExists(atPath: candidate.appendingPathComponent(marker).path) {
            return candidate
        }
        throw TanbaError(
            .configInvalid,
            "no \(label) folder found (./\(name), beside the binary, or ../share/tanba/\(name)): pass --\(name) DIR "
                + "or set \(environment)")
    }

    /// The places searched after the option and the environment, in order.
    static func candidates(name: String) -> [URL] {
        let binary = executable().deletingLastPathComponent()
        var result = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(name),
            binary.appendingPathComponent(name),
            binary.deletingLastPathComponent().appendingPathComponent("share/tanba/\(name)"),
        ]
        var folder = binary.deletingLastPathComponent()
        for _ in 0..<3 {
            result.append(folder.appendingPathComponent(name))
            folder = folder.deletingLastPathComponent()
        }
        return result
    }

    /// The running binary, symbolic links resolved. `argv[0]` is not enough: run through `PATH` it is a bare
    /// name, which would be looked up in the current folder.
    static func executable() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        if let path = Bundle.main.executablePath { return URL(fileURLWithPath: path).resolvingSymlinksInPath() }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }

    /// The schema folder (see `folder`).
    static func schemaDirectory(explicit: String?) throws -> URL {
        try folder(
            explicit: explicit, environment: "TANBA_XSD_DIR", name: "xsd", marker: "shipment-1.xsd", label: "schema")
    }

    /// The reference data folder (see `folder`).
    static func referenceDirectory(explicit: String?) throws -> URL {
        try folder(
            explicit: explicit, environment: "TANBA_REFERENCE_DIR", name: "reference", marker: "countries.json",
            label: "reference data")
    }
}
