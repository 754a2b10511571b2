import Foundation
import Mustache
import TanbaErrors

/// The page templates (`web/templates/*.mustache`), loaded once at start. Mustache escapes every `{{value}}`; the
/// templates use no unescaped tag, so nothing a document or a user typed reaches a page as markup.
struct Templates: Sendable {
    let library: MustacheLibrary

    /// Loads every template in `folder`; partials (`{{> head}}`) are templates of the same folder.
    /// - Throws: `CONFIG_INVALID` naming a template that does not parse.
    init(folder: URL) throws {
        var library = MustacheLibrary()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            do { try library.register(text, named: String(name.dropLast(".mustache".count))) } catch {
                throw TanbaError(.configInvalid, "web template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// The page `name` rendered with `context`.
    /// - Throws: `INTERNAL` for a template that does not exist.
    func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let html = library.render(context, withTemplate: name) else {
            throw TanbaError(.internal, "no web template \(name)")
        }
        return html
    }
}
