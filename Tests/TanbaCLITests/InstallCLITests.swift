import Foundation
import TanbaTestSupport
import Testing

/// `make install PREFIX=…` (scripts/install.sh): the installed binary, run by name from any folder, finds its
/// schemas and reference data in PREFIX/share/tanba.
@Suite(.blocking) struct InstallCLITests {
    @Test func anInstalledTanbaFindsItsDataFromAnyFolder() throws {
        let temporary = FileManager.default.temporaryDirectory
        let prefix = temporary.appendingPathComponent("tanba-prefix-\(UUID().uuidString)")
        let install = try runProcess(
            "/bin/bash",
            [CLITests.repository.appendingPathComponent("scripts/install.sh").path, CLITests.tanba, prefix.path])
        #expect(install.status == 0, "\(install.error)")
        for path in ["bin/tanba", "share/tanba/xsd/shipment-1.xsd", "share/tanba/reference/countries.json"] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(path).path), "\(path)")
        }
        let elsewhere = temporary.appendingPathComponent("tanba-elsewhere-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        for name in ["TANBA_XSD_DIR", "TANBA_REFERENCE_DIR", "TANBA_STORE"] { environment.removeValue(forKey: name) }
        environment["PATH"] = prefix.appendingPathComponent("bin").path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        // Run by name through PATH, as an installed command is: argv[0] is then a bare "tanba".
        let result = try runProcess(
            "/bin/sh", ["-c", "tanba validate \"$1\" && tanba reference list", "sh", CLITests.sample],
            directory: elsewhere, environment: environment)
        #expect(result.status == 0, "\(result.output) \(result.error)")
        #expect(result.output.contains("valid") && result.output.contains("countries"), "\(result.output)")
        // The binary alone, without its share folder, says where it looked.
        let bare = temporary.appendingPathComponent("tanba-bare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: prefix.appendingPathComponent("bin/tanba"), to: bare.appendingPathComponent("tanba"))
        // A copy just written can be "busy" for a moment: another test's process started meanwhile inherited its
        // descriptor until that process exec'd (ETXTBSY). Tried again, briefly.
        var attempt = 0
        var outcome: (status: Int32, output: String, error: String)?
        while outcome == nil {
            do {
                outcome = try runProcess(
                    bare.appendingPathComponent("tanba").path, ["validate", CLITests.sample], directory: elsewhere,
                    environment: environment)
            } catch let error as NSError
                where (error.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY) && attempt < 50
            {
                attempt += 1
                blockingSleep(seconds: 0.1)
            }
        }
        let lost = outcome!
        #expect(lost.status == 2 && lost.error.contains("no schema folder found"), "\(lost.error)")
    }
}
