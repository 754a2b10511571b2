import Foundation

/// Whether the browser tests can run here: Debian's `chromium` and `chromium-driver` (`make deps` installs them;
/// `apt-get install chromium chromium-driver fonts-dejavu-core`). Suites are skipped with a message when not:
///
///     @Suite(.enabled(if: BrowserTests.available, "chromium and chromedriver are not installed"))
public enum BrowserTests {
    /// The browser: `$TANBA_CHROMIUM`, else `chromium` or `chromium-browser` on the PATH.
    public static let chromium: String? = locate(environment: "TANBA_CHROMIUM", ["chromium", "chromium-browser"])
    /// The driver: `$TANBA_CHROMEDRIVER`, else `chromedriver` on the PATH (Debian puts it in /usr/bin).
    public static let chromedriver: String? = locate(environment: "TANBA_CHROMEDRIVER", ["chromedriver"])

    /// Both are installed.
    public static var available: Bool { chromium != nil && chromedriver != nil }

    /// Why the browser tests cannot run, nil when they can.
    public static var unavailableReason: String? {
        available
            ? nil
            : "browser tests skipped: chromium and chromedriver not found (apt-get install chromium chromium-driver "
                + "fonts-dejavu-core; or set TANBA_CHROMIUM and TANBA_CHROMEDRIVER)"
    }

    private static func locate(environment name: String, _ names: [String]) -> String? {
        let environment = ProcessInfo.processInfo.environment
        let fm = FileManager.default
        if let chosen = environment[name], !chosen.isEmpty { return fm.isExecutableFile(atPath: chosen) ? chosen : nil }
        let path = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") + ["/usr/bin"]
        for directory in path {
            for executable in names {
                let candidate = "\(directory)/\(executable)"
                if fm.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }
}
