import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaHTTP
import Testing

/// A problem answer speaks the client's language (Accept-Language: kk, ru, en), on every path a refusal takes:
/// a route's own refusal, the router's 404, the rate limit; codes never change.
@Suite struct LanguageTests {
    static let notAuthorized = [
        "kk": "Сұрауға қолтаңба арқылы кіргеннен кейінгі bearer-токен қажет.",
        "ru": "Для запроса нужен bearer-токен, полученный входом по подписи.",
    ]

    @Test func problemsAreInTheLanguageTheClientAsksFor() async throws {
        let hub = try HTTPTests.hub()
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            for (header, language) in [("kk-KZ,kk;q=0.9", "kk"), ("ru-RU, en;q=0.5", "ru"), ("de", "en")] {
                let headers: HTTPFields = [.acceptLanguage: header]
                try await client.execute(uri: "/v1/inbox", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.contentLanguage] == language)
                    let problem = try RoutingTests.problem(response)
                    #expect(problem["code"] as? String == "AUTH_REQUIRED")
                    if let sentence = Self.notAuthorized[language] {
                        #expect(problem["title"] as? String == sentence)
                        let errors = problem["errors"] as? [[String: Any]]
                        #expect(errors?.first?["title"] as? String == sentence)
                    } else {
                        #expect((problem["title"] as? String)?.hasPrefix("The request needs a bearer token") == true)
                    }
                }
                try await client.execute(uri: "/v2/nothing", method: .get, headers: headers) { response in
                    #expect(response.status == .notFound && response.headers[.contentLanguage] == language)
                    let code = try RoutingTests.problem(response)["code"] as? String
                    #expect(code == "NOT_FOUND")
                }
            }
            try await client.execute(
                uri: "/healthz?x=1", method: .get, headers: [.acceptLanguage: "ru"]
            ) { response in
                #expect(response.status == .badRequest && response.headers[.contentLanguage] == "ru")
                let title = try RoutingTests.problem(response)["title"] as? String
                #expect(title == "Параметр запроса неизвестен или его значение неверно.")
            }
        }
    }
}
