import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaHTTP
import Testing

/// What a client that is not a well-behaved ERP sends: paths no route has, methods a route does not take, HEAD,
/// query parameters no route knows. Every answer is problem+json with a code.
@Suite struct RoutingTests {
    static func problem(_ response: TestResponse) throws -> [String: Any] {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func unknownPathsAndMethodsAreProblemsWithAllow() async throws {
        let hub = try HTTPTests.hub()
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            for path in ["/", "/v2/inbox", "/v1/inbox/extra", "/v1/documents", "/nothing?x=1"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == (path == "/v1/documents" ? .methodNotAllowed : .notFound), "\(path)")
                    let code = try Self.problem(response)["code"] as? String
                    #expect(code == (path == "/v1/documents" ? "METHOD_NOT_ALLOWED" : "NOT_FOUND"), "\(path)")
                }
            }
            let cases: [(String, HTTPRequest.Method, String)] = [
                ("/v1/inbox", .post, "GET, HEAD"), ("/v1/documents", .delete, "POST"),
                ("/v1/auth/token", .get, "POST"), ("/v1/documents/DOC-1/receipt", .put, "GET, HEAD"),
                ("/v1/codes/0104870001000011215Kq8/abc", .post, "GET, HEAD"), ("/healthz", .options, "GET, HEAD"),
            ]
            for (path, method, allow) in cases {
                try await client.execute(uri: path, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allow, "\(method) \(path)")
                    let code = try Self.problem(response)["code"] as? String
                    #expect(code == "METHOD_NOT_ALLOWED")
                }
            }
            // HEAD wherever GET: GET's status and headers, no body; refusals too.
            try await client.execute(uri: "/healthz", method: .head) { response in
                #expect(response.status == .ok && response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/v1/inbox", method: .head) { response in
                #expect(response.status == .unauthorized && response.body.readableBytes == 0)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let token = try await HTTPTests.login(client, as: .buyerHead)
            try await client.execute(uri: "/v1/inbox", method: .head, headers: HTTPTests.bearer(token)) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/json")
            }
        }
    }

    /// HEAD on every GET route: GET's status and content type, no body.
    @Test func headIsAnsweredWhereverGetIs() async throws {
        let hub = try HTTPTests.hub()
        let paths = hub.api.router().routes.filter { $0.method == .get }.map { route in
            "/"
                + "\(route.path)".split(separator: "/").map { segment -> String in
                    switch segment {
                    case "**": hub.codes[0]
                    case "{gtin}": HTTPTests.shoes
                    case "{name}": "countries"
                    case "{id}": "DOC-none"
                    case "{reference}": "V-2222222222"
                    default: String(segment)
                    }
                }.joined(separator: "/")
        }
        #expect(paths.count >= 12)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .companyHead)
            for path in paths {
                let uri = path + (path == "/v1/codes" ? "?code=\(hub.codes[0])" : "")
                let get = try await client.execute(uri: uri, method: .get, headers: HTTPTests.bearer(token)) {
                    ($0.status, $0.headers[.contentType], $0.headers[.contentLength])
                }
                try await client.execute(uri: uri, method: .head, headers: HTTPTests.bearer(token)) { response in
                    #expect(response.status == get.0 && response.headers[.contentType] == get.1, "\(uri)")
                    #expect(response.headers[.contentLength] == get.2 && response.body.readableBytes == 0, "\(uri)")
                }
            }
        }
    }

    /// Every path parameter is percent-decoded, as `/v1/codes/{code}` is: a client may encode any character.
    @Test func pathParametersArePercentDecoded() async throws {
        let hub = try HTTPTests.hub()
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            let auth = HTTPTests.bearer(seller)
            let id = try await client.execute(
                uri: "/v1/documents", method: .post, headers: auth,
                body: try HTTPTests.signed(HTTPTests.shipment(hub.codes), by: .companyHead)
            ) { $0.headers[HTTPField.Name("X-Tanba-Document")!] ?? "" }
            let encodedID = id.unicodeScalars.map { String(format: "%%%02X", $0.value) }.joined()
            for uri in [
                "/v1/documents/\(encodedID)/status", "/v1/reference/%63ountries", "/v1/products/%30%34870001000011",
            ] {
                try await client.execute(uri: uri, method: .get, headers: auth) {
                    #expect($0.status == .ok, "\(uri): \(String(buffer: $0.body))")
                }
            }
        }
    }

    /// One rule on every route the router has: a query parameter the route does not take is 400
    /// REQUEST_PARAMETER_INVALID naming it, whoever asks.
    @Test func everyRouteRefusesAnUnknownQueryParameter() async throws {
        let hub = try HTTPTests.hub()
        let routes = hub.api.router().routes.map { route in
            let path = "\(route.path)".split(separator: "/").map { segment -> String in
                segment == "**" ? "0104870001000011215Kq8" : segment.hasPrefix("{") ? "x" : String(segment)
            }
            return (route.method, "/" + path.joined(separator: "/"))
        }
        #expect(routes.count >= 16)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .companyHead)
            for (method, path) in routes {
                for headers in [HTTPFields(), HTTPTests.bearer(token)] {
                    try await client.execute(uri: "\(path)?bogus=1", method: method, headers: headers) { response in
                        #expect(response.status == .badRequest, "\(method) \(path)")
                        let problem = try Self.problem(response)
                        #expect(problem["code"] as? String == "REQUEST_PARAMETER_INVALID", "\(method) \(path)")
                        #expect((problem["detail"] as? String)?.contains("'bogus'") == true, "\(method) \(path)")
                    }
                }
            }
        }
    }
}
