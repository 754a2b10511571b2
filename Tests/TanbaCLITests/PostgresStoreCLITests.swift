import Foundation
import TanbaTestSupport
import Testing

/// `--store postgres://…` on the command line: a server that cannot be reached is `STORE_UNAVAILABLE` (exit 2),
/// a malformed URL `CONFIG_INVALID`, and neither message repeats the password.
@Suite(.blocking) struct PostgresStoreCLITests {
    /// A loopback port nothing listens on: bound and closed again at once.
    static func closedPort() throws -> Int {
        let probe = try runProcess(
            "/usr/bin/python3",
            ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        return try #require(Int(probe.output.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test func anUnreachableServerIsStoreUnavailableAndNamesNoPassword() throws {
        let url = "postgres://tanba:s3cr3t-word@127.0.0.1:\(try Self.closedPort())/tanba"
        let listed = try CLITests.run(["participants", "list", "--store", url, "--json"])
        #expect(listed.status == 2, "\(listed.output) \(listed.error)")
        #expect(CLITests.errorCodes(try CLITests.json(listed.output)) == ["STORE_UNAVAILABLE"], "\(listed.output)")
        let verified = try CLITests.run(["audit", "verify", "--store", url])
        #expect(verified.status == 2 && verified.error.contains("STORE_UNAVAILABLE"), "\(verified.error)")
        for result in [listed, verified] { #expect(!(result.output + result.error).contains("s3cr3t-word")) }
        // The same through TANBA_STORE.
        let environment = ProcessInfo.processInfo.environment.merging(["TANBA_STORE": url]) { $1 }
        let fromEnvironment = try runProcess(CLITests.tanba, ["participants", "list"], environment: environment)
        #expect(
            fromEnvironment.status == 2 && fromEnvironment.error.contains("STORE_UNAVAILABLE"),
            "\(fromEnvironment.error)")
        #expect(!(fromEnvironment.output + fromEnvironment.error).contains("s3cr3t-word"))
    }

    @Test(arguments: ["postgres://:pw-9x7q@/", "postgres://tanba:pw-9x7q@127.0.0.1/tanba?pool=0"])
    func aMalformedURLIsAConfigurationError(url: String) throws {
        let result = try CLITests.run(["participants", "list", "--store", url, "--json"])
        #expect(result.status == 2)
        #expect(CLITests.errorCodes(try CLITests.json(result.output)) == ["CONFIG_INVALID"], "\(result.output)")
        #expect(!(result.output + result.error).contains("pw-9x7q"))
    }
}
