import Foundation
import TanbaErrors

/// What a command tells its user about an error: Tanba's own errors as they are; anything else (Foundation,
/// a library) in words, never its description, which dumps error domains, user-info dictionaries and the
/// hub's internal paths.
enum UserFacing {
    static func error(_ error: any Error) -> TanbaError {
        if let error = error as? TanbaError { return error }
        if let cocoa = error as? CocoaError, cocoa.isFileError {
            let path = cocoa.userInfo[NSFilePathErrorKey] as? String
            let what = path.map { "cannot read or write \($0)" } ?? "a file cannot be read or written"
            return TanbaError(.fileUnreadable, "\(what): \(reason(cocoa.code))")
        }
        if let posix = error as? POSIXError {
            return TanbaError(
                .fileUnreadable, "a file operation failed: \(String(cString: strerror(posix.code.rawValue)))")
        }
        return TanbaError(.internal, "an unexpected internal fault (\(type(of: error)))")
    }

    /// A file error's reason in words ("no such file or folder", "permission denied").
    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError { return reason(cocoa.code) }
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        return "the file system refused"
    }

    private static func reason(_ code: CocoaError.Code) -> String {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile: "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: "permission denied"
        case .fileWriteOutOfSpace: "the disk is full"
        case .fileWriteFileExists: "it exists already"
        case .fileWriteVolumeReadOnly: "the volume is read-only"
        default: "the file system refused"
        }
    }
}
