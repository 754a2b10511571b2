public import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import TanbaCore
import TanbaErrors
public import TanbaHTTP

/// The web application for participants' clerks, in Kazakh, Russian or English: server-rendered pages from the
/// templates in `web/`, over the same core as the API (`HubCore`), served by the hub's HTTP server beside it
/// (`HubChannel`) and behind the same middleware: rate limits, the audit trail (channel `web`), metrics and logs.
///
/// Sessions are cookies (`HttpOnly`, `SameSite=Lax`, `Secure` behind TLS) for the core's browser sessions (idle and
/// absolute expiry, valid on every hub process, ended by logout on all of them); every form posts a form token
/// (CSRF). Signing happens in the browser, through NCALayer or `tanba signer` (`web/static/signer.js`): the hub
/// never sees a private key.
public struct WebApp: HubChannel {
    /// Where the pages' signing script finds NCALayer (or `tanba signer`).
    public let signerURL: String
    /// Whether cookies are `Secure` (the hub is reached over TLS, directly or through a proxy).
    public let secureCookies: Bool
    let templates: Templates
    let catalogue: Catalogue
    let assets: [String: (type: String, bytes: [UInt8])]

    /// - Parameters:
    ///   - folder: the `web/` folder: `templates/`, `i18n/`, `static/`.
    /// - Throws: `CONFIG_INVALID` for a folder without a template, catalogue or asset the pages need.
    public init(folder: URL, signerURL: String = "wss://127.0.0.1:13579", secureCookies: Bool = false) throws {
        templates = try Templates(folder: folder.appendingPathComponent("templates"))
        catalogue = try Catalogue(folder: folder.appendingPathComponent("i18n"))
        var assets: [String: (String, [UInt8])] = [:]
        let statics = folder.appendingPathComponent("static")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: statics.path)) ?? [] {
            let type: String? =
                switch (name as NSString).pathExtension {
                case "css": "text/css; charset=utf-8"
                case "js": "text/javascript; charset=utf-8"
                case "svg": "image/svg+xml"
                case "png": "image/png"
                default: nil
                }
            guard let type, let data = FileManager.default.contents(atPath: statics.appendingPathComponent(name).path)
            else { continue }
            assets[name] = (type, Array(data))
        }
        guard assets["tanba.css"] != nil, assets["signer.js"] != nil else {
            throw TanbaError(.configInvalid, "web folder \(folder.path) lacks static/tanba.css or static/signer.js")
        }
        self.assets = assets
        self.signerURL = signerURL
        self.secureCookies = secureCookies
    }

    public func addRoutes(to router: Router<HubContext>, api: HubAPI) {
        let web = WebRoutes(app: self, api: api)
        web.add(to: router)
    }
}
