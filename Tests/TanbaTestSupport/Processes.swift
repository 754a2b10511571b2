public import Foundation
public import Testing

/// Runs a program to its end and returns its exit status with everything it wrote to standard output and error.
///
/// Shared by the tests that drive the `tanba` binary and those that ask peer tools (xmlsec1, openssl, cc).
/// Both pipes are drained before waiting, so a chatty program cannot block on a full pipe. It blocks its thread
/// until the program ends, so it belongs in a `.blocking` test (and records an issue elsewhere).
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], directory: URL? = nil, environment: [String: String]? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> (status: Int32, output: String, error: String) {
    expectOffTheCooperativePool(
        "running \(URL(fileURLWithPath: executable).lastPathComponent)", sourceLocation: sourceLocation)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    // The tests read English messages; a machine whose locale is Kazakh or Russian would make `tanba` answer in
    // that language (TANBA_LANG, LANG), so English is asked for unless a test chooses otherwise.
    var chosen = environment ?? ProcessInfo.processInfo.environment
    if chosen["TANBA_LANG"] == nil { chosen["TANBA_LANG"] = "en" }
    process.environment = chosen
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let error = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
}
