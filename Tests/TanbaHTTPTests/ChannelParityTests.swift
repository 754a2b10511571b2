import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaErrors
import TanbaHTTP
import Testing

@testable import TanbaCommands

/// HTTP and the command line read a document list's filter with the same parser (`DocumentQuery`): the same bad
/// filter is refused with the same code on both, each naming the parameter as its users spell it.
@Suite struct ChannelParityTests {
    /// The same bad filter as an HTTP query and as `tanba documents list` options.
    static let bad: [(query: String, options: [String])] = [
        ("status=lost", ["--status", "lost"]),
        ("type=nothing", ["--type", "nothing"]),
        ("from=2026-02-30", ["--from", "2026-02-30"]),
        ("to=2026-11-20T09:30:00%2B24:00", ["--to", "2026-11-20T09:30:00+24:00"]),
        ("dateFrom=2026-02-30", ["--date-from", "2026-02-30"]),
        ("dateTo=20261120", ["--date-to", "20261120"]),
        ("after=not-a-cursor", ["--after", "not-a-cursor"]),
        ("limit=0", ["--limit", "0"]),
        ("limit=1001", ["--limit", "1001"]),
        ("status=", ["--status", ""]),
    ]

    @Test func aBadFilterIsRefusedWithTheSameCodeOverHTTPAndOnTheCommandLine() async throws {
        let hub = try HTTPTests.hub()
        let reference = hub.api.pipeline.reference
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            for (query, options) in Self.bad {
                let http = try await client.execute(
                    uri: "/v1/outbox?\(query)", method: .get, headers: HTTPTests.bearer(seller)
                ) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    return (body?["code"] as? String, body?["detail"] as? String)
                }
                var cli: TanbaError?
                do { _ = try DocumentsCommand.List.parse(options).filter(reference: reference) } catch let error
                    as TanbaError
                { cli = error }
                #expect(http.0 == "REQUEST_PARAMETER_INVALID" && cli?.code.rawValue == http.0, "\(query)")
                // Each names the parameter its way: HTTP's query parameter, the command's option.
                #expect(http.1?.hasPrefix("query parameter '") == true, "\(query): \(http.1 ?? "")")
                #expect(cli?.message.hasPrefix(options[0]) == true, "\(options): \(cli?.message ?? "")")
            }
        }
    }
}
