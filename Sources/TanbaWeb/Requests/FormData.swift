import Foundation
import MultipartKit
import TanbaErrors

/// The fields of a posted form: `application/x-www-form-urlencoded`, or `multipart/form-data` with files.
struct FormData: Sendable {
    /// A field's values, in order (a form may repeat a name: the lines or codes a user ticked).
    private(set) var fields: [String: [String]] = [:]
    /// Uploaded files by field name: their bytes (the file's name is not trusted for anything).
    private(set) var files: [String: [UInt8]] = [:]

    init() {}

    /// Reads a body of the given content type.
    /// - Throws: `REQUEST_INVALID` for another content type or a malformed body.
    init(body: [UInt8], contentType: String?) throws {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            self.init(urlEncoded: String(decoding: body, as: UTF8.self))
        } else if type.hasPrefix("multipart/form-data") {
            guard let boundary = Self.boundary(of: contentType ?? "") else {
                throw TanbaError(.requestInvalid, "the form's multipart body names no boundary")
            }
            try self.init(multipart: body, boundary: boundary)
        } else {
            throw TanbaError(.requestInvalid, "a form must be posted as a form (got \(contentType ?? "no type"))")
        }
    }

    /// Pairs `a=1&b=2`, `+` for a space and percent escapes.
    init(urlEncoded text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first, !name.isEmpty else { continue }
            fields[name, default: []].append(parts.count > 1 ? parts[1] : "")
        }
    }

    private init(multipart body: [UInt8], boundary: String) throws {
        let parser = MultipartParser(boundary: boundary)
        var name: String?
        var filename: String?
        var bytes: [UInt8] = []
        var result = FormData()
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            name = Self.parameter("name", in: value)
            filename = Self.parameter("filename", in: value)
        }
        parser.onBody = { buffer in bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            if let name {
                if filename != nil {
                    result.files[name] = bytes
                } else {
                    result.fields[name, default: []].append(String(decoding: bytes, as: UTF8.self))
                }
            }
            (name, filename, bytes) = (nil, nil, [])
        }
        do { try parser.execute(body) } catch {
            throw TanbaError(.requestInvalid, "the form's multipart body is malformed")
        }
        self = result
    }

    /// The first value of a field.
    subscript(_ name: String) -> String? { fields[name]?.first }

    /// Every value of a field.
    func all(_ name: String) -> [String] { fields[name] ?? [] }

    /// A signed XML the form carries: the file uploaded (signed elsewhere), else the `signed` field the signing
    /// script filled; nil when neither.
    var signedDocument: [UInt8]? { file("file") ?? self["signed"].flatMap { $0.isEmpty ? nil : Array($0.utf8) } }

    /// The bytes of an uploaded file, nil when none or empty.
    func file(_ name: String) -> [UInt8]? { files[name].flatMap { $0.isEmpty ? nil : $0 } }

    static func boundary(of contentType: String) -> String? { parameter("boundary", in: contentType) }

    /// `name="value"` or `name=value` in a header's parameters.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }
}
