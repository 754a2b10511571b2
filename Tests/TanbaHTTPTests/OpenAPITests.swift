import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaCore
import Testing

/// The served description says what the server does: the statuses every operation can answer, the parameters'
/// real constraints, and servers that do not name a port the hub may not be on. (`HTTPTests` checks the paths and
/// methods; `scripts/schemathesis.sh` fuzzes the running hub against it.)
@Suite struct OpenAPITests {
    static func description() async throws -> [String: Any] {
        let hub = try HTTPTests.hub()
        return try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            try await client.execute(uri: "/openapi.json", method: .get) {
                try #require(try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any])
            }
        }
    }

    /// Routes outside the rate limit and the login: they answer 200 or 400 (an unknown query parameter) only.
    static let open: Set<String> = ["/healthz", "/metrics", "/openapi.json", "/v1/auth/challenge"]

    @Test func everyOperationDeclaresTheStatusesItCanAnswer() async throws {
        let document = try await Self.description()
        #expect((document["servers"] as? [[String: Any]])?.map { $0["url"] as? String } == ["/"])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        for (path, operations) in paths {
            for (method, operation) in operations {
                let statuses = Set((operation["responses"] as? [String: Any] ?? [:]).keys)
                let name = "\(method) \(path)"
                #expect(statuses.contains("400"), "\(name)")
                let secured = (operation["security"] as? [Any])?.isEmpty != true
                #expect(statuses.contains("401") == (secured || path == "/v1/auth/token"), "\(name)")
                #expect(statuses.contains("429") == !Self.open.contains(path), "\(name)")
                #expect(statuses.contains("413") == (method == "post" && path != "/v1/auth/challenge"), "\(name)")
                // A malformed path or query value is 400 on every route: no 422 but for signed bodies.
                #expect(
                    statuses.contains("422")
                        == ["/v1/auth/token", "/v1/documents", "/v1/fiscal/receipts"].contains(path), "\(name)")
                if Self.open.contains(path) { #expect(statuses == ["200", "400"], "\(name)") }
            }
        }
        let components = try #require(document["components"] as? [String: Any])
        let responses = try #require(components["responses"] as? [String: [String: Any]])
        #expect((responses["RateLimited"]?["headers"] as? [String: Any])?["Retry-After"] != nil)
        #expect((responses["MethodNotAllowed"]?["headers"] as? [String: Any])?["Allow"] != nil)
        #expect(
            (responses["Receipt"]?["headers"] as? [String: Any])?.keys.sorted() == [
                "X-Tanba-Document", "X-Tanba-Result",
            ])
    }

    @Test func parameterSchemasAreAsStrictAsTheServer() async throws {
        let document = try await Self.description()
        let components = try #require(document["components"] as? [String: Any])
        let parameters = try #require(components["parameters"] as? [String: [String: Any]])
        func schema(_ name: String) -> [String: Any] { parameters[name]?["schema"] as? [String: Any] ?? [:] }
        // `type` is one of the document types the hub knows (reference/document-types.json).
        let types = try JSONSerialization.jsonObject(
            with: Data(contentsOf: HTTPTests.repository.appendingPathComponent("reference/document-types.json")))
        let codes = ((types as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(Set(schema("type")["enum"] as? [String] ?? []) == Set(codes) && !codes.isEmpty)
        #expect(schema("after")["format"] as? String == "tanba-cursor")
        #expect(schema("counterparty")["format"] as? String == "kz-iin-bin")
        for name in ["from", "to"] {
            let formats = (schema(name)["anyOf"] as? [[String: Any]] ?? []).compactMap { $0["format"] as? String }
            #expect(Set(formats) == ["date", "date-time"], "\(name)")
        }
    }

    /// The Ministry of Finance lists (the exports, the reconciliation reports) page each by its own cursor (a
    /// document list's or the other list's is refused, so the fuzzer must not draw one), and every answer has
    /// `next`, null on the last page, beside the list under its name (the older `exports` stay).
    @Test(arguments: [
        ("/v1/operator/mof/exports", "tanba-mof-cursor", "exports"),
        ("/v1/operator/mof/reconciliations", "tanba-mof-reconciliation-cursor", "reconciliations"),
    ])
    func theMinistryListsDescribeTheirOwnCursorAndANextThatMayBeNull(path: String, format: String, list: String)
        async throws
    {
        let document = try await Self.description()
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let operation = try #require(paths[path]?["get"])
        let parameters = try #require(operation["parameters"] as? [[String: Any]])
        let schemas = Dictionary(
            uniqueKeysWithValues: parameters.compactMap { p in
                (p["name"] as? String).map { ($0, p["schema"] as? [String: Any] ?? [:]) }
            })
        #expect(Set(schemas.keys) == HubCore.mofListParameters)
        #expect(schemas["after"]?["format"] as? String == format && schemas["after"]?["pattern"] == nil)
        #expect(schemas["limit"]?["maximum"] as? Int == MoFExportView.maxLimit)
        let answer = try #require(
            ((((operation["responses"] as? [String: Any])?["200"] as? [String: Any])?["content"] as? [String: Any])?[
                "application/json"] as? [String: Any])?["schema"] as? [String: Any])
        #expect(Set(answer["required"] as? [String] ?? []) == [list, "next"])
        let next = (answer["properties"] as? [String: [String: Any]])?["next"]
        #expect(next?["type"] as? String == "string" && next?["nullable"] as? Bool == true)
    }

    /// The SNTs' view lists its route with the core's parameters (days, a limit up to the core's maximum, its own
    /// cursor, which no other list's is), and its answer: the lists, whether there are more, the SNTs and `next`,
    /// null on the last page. Failure modes: the route missing from the document (the fuzzer never reaching it), a
    /// parameter the hub refuses described as valid, or a cursor the fuzzer cannot draw.
    @Test func theSNTViewIsListedWithItsParametersItsOwnCursorAndANextThatMayBeNull() async throws {
        let document = try await Self.description()
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let operation = try #require(paths["/v1/operator/mof/snts"]?["get"])
        let parameters = try #require(operation["parameters"] as? [[String: Any]])
        let schemas = Dictionary(
            uniqueKeysWithValues: parameters.compactMap { p in
                (p["name"] as? String).map { ($0, p["schema"] as? [String: Any] ?? [:]) }
            })
        #expect(Set(schemas.keys) == HubCore.mofSNTParameters)
        #expect(schemas["from"]?["format"] as? String == "date" && schemas["to"]?["format"] as? String == "date")
        #expect(schemas["after"]?["format"] as? String == "tanba-mof-snt-cursor" && schemas["after"]?["pattern"] == nil)
        #expect(schemas["limit"]?["maximum"] as? Int == MoFSNTPage.maxLimit)
        #expect(schemas["limit"]?["default"] as? Int == MoFSNTPage.defaultLimit)
        let responses = try #require(operation["responses"] as? [String: Any])
        #expect(Set(responses.keys) == ["200", "400", "401", "403", "429"])
        let answer = try #require(
            ((((responses["200"] as? [String: Any])?["content"] as? [String: Any])?["application/json"]
                as? [String: Any])?["schema"] as? [String: Any]))
        #expect(Set(answer["required"] as? [String] ?? []) == ["lists", "moreLists", "snts", "next"])
        let properties = answer["properties"] as? [String: [String: Any]]
        #expect(
            properties?["next"]?["type"] as? String == "string" && properties?["next"]?["nullable"] as? Bool == true)
        let components = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let snt = try #require(components["MoFSNT"] as? [String: Any])
        #expect(
            Set(snt["required"] as? [String] ?? []) == [
                "number", "date", "seller", "buyer", "lineCount", "lines", "list", "listCreatedAt",
            ])
        let list = try #require(components["MoFSNTList"] as? [String: Any])
        #expect(
            Set(list["required"] as? [String] ?? []) == [
                "sha256", "from", "to", "createdAt", "importedAt", "count", "daysInForce",
            ])
        // The fuzzer's hooks draw this cursor's format.
        let hooks = try String(
            contentsOf: HTTPTests.repository.appendingPathComponent("scripts/schemathesis_hooks.py"), encoding: .utf8)
        #expect(hooks.contains("schemathesis.openapi.format(\"tanba-mof-snt-cursor\""))
    }
}
