import ArgumentParser
import Foundation
import TanbaErrors
import TanbaXML

/// One command's outcome, printed as text or JSON, with the exit status it implies.
struct Report: Encodable {
    var ok: Bool
    var command: String
    var file: String?
    var documentType: String?
    var signer: SignerIdentity?
    var algorithm: String?
    var details: [String: String]?
    var errors: [Diagnostic]

    init(command: String, file: String? = nil) {
        self.ok = true
        self.command = command
        self.file = file
        self.errors = []
    }

    /// Prints the report and ends the command with its exit status.
    func finish(json: Bool, success: String) throws -> Never {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
            print(String(decoding: data, as: UTF8.self))
        } else if ok {
            print(success)
        } else {
            let name = file.map { "\($0): " } ?? ""
            var stderr = StandardError()
            let language = CommandLanguage.current
            if exitStatus == ExitStatus.couldNotRun {
                // Nothing was judged: say that the command did not run, not that an input was rejected.
                print(
                    "\(name)could not run: \(errors.first.map { CommandLanguage.say($0, in: language) } ?? "")",
                    to: &stderr)
                for error in errors.dropFirst() { print("  \(CommandLanguage.say(error, in: language))", to: &stderr) }
            } else {
                print("\(name)rejected (\(errors.count) error\(errors.count == 1 ? "" : "s"))", to: &stderr)
                for error in errors { print("  \(CommandLanguage.say(error, in: language))", to: &stderr) }
            }
        }
        throw ExitCode(ok ? ExitStatus.success : exitStatus)
    }

    /// The status the first error's category implies (see `ExitStatus`).
    var exitStatus: Int32 {
        errors.first.map { ExitStatus.status(for: $0.code) } ?? ExitStatus.couldNotRun
    }

    mutating func fail(_ error: any Error) {
        ok = false
        errors += UserFacing.error(error).diagnostics
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}

/// Runs `body`, turning a `TanbaError` into a printed report and exit status 2 (configuration) or 1.
func reportingFailures(command: String, json: Bool, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        var report = Report(command: command)
        report.fail(error)
        try report.finish(json: json, success: "")
    }
}
