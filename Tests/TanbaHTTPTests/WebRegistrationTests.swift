import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TanbaCore
import TanbaStore
import TanbaStoreTestSupport
import Testing

@testable import TanbaXML

/// Registration in the browser: the first head registers the organisation with the certificate's BIN, name and
/// person and the roles and groups chosen; refusals name their reason; the head adds an employee, who may then log
/// in; two registrations of one BIN at once leave one.
@Suite struct WebRegistrationTests {
    typealias Browser = WebPageTests.Browser

    /// Fills the registration form, signs the request with `participant`'s key and posts it.
    static func register(_ browser: Browser, as participant: TestPKI.Participant, roles: [String] = ["producer"])
        async throws -> (status: HTTPResponse.Status, location: String?, body: String, headers: HTTPFields)
    {
        let form = try await browser.open("/register")
        let token = try #require(WebPageTests.formToken(in: form.body))
        let page = try await browser.open(
            "/register/request", method: .post,
            form: [("form_token", token)] + roles.map { ("role", $0) } + [("group", "shoes")])
        let request = try #require(WebPageTests.textarea("request", in: page.body), "\(page.body)")
        return try await browser.open(
            "/register", method: .post, form: [("form_token", try #require(WebPageTests.formToken(in: page.body)))],
            file: Array(buffer: try HTTPTests.signed(request, by: participant)))
    }

    @Test(arguments: TestBackend.available) func aHeadRegistersAndAddsAnEmployee(_ backend: TestBackend) async throws {
        let hub = try HTTPTests.hub(backend, registered: false)
        try await WebPageTests.application(hub).test(.live) { client in
            let head = Browser(client)
            let registered = try await Self.register(head, as: .companyHead, roles: ["producer", "wholesaler"])
            #expect(registered.status == .seeOther && registered.location == "/organisation", "\(registered.body)")
            let organisation = try #require(try hub.store.read { try $0.participant(HTTPTests.seller) })
            #expect(organisation.isOrganisation && organisation.roles == [.producer, .wholesaler])
            #expect(organisation.productGroups == ["shoes"])
            #expect(organisation.representatives.map(\.iin) == ["781112400128"])
            let page = try await head.open("/organisation")
            #expect(page.body.contains("id=\"participant-id\">\(HTTPTests.seller)<"))

            // The employee cannot log in yet: the organisation lists its representatives.
            let employee = Browser(client)
            let login = try await employee.open("/login")
            let refused = try await employee.open(
                "/login", method: .post, form: [("form_token", WebPageTests.formToken(in: login.body)!)],
                file: Array(
                    buffer: try HTTPTests.signed(
                        WebPageTests.textarea("challenge", in: login.body)!, by: .companyEmployee)))
            #expect(refused.body.contains("AUTH_NOT_REPRESENTATIVE"))

            let certificate = Array(try Data(contentsOf: HTTPTests.pki.certificateFile(.companyEmployee)))
            let ask = try await head.open(
                "/organisation/representative/request", method: .post,
                form: [("form_token", WebPageTests.formToken(in: page.body)!)], file: certificate,
                fileField: "certificate")
            let request = try #require(WebPageTests.textarea("request", in: ask.body), "\(ask.body)")
            // Only a first head adds representatives: the employee's own signature does not.
            let byEmployee = try await head.open(
                "/organisation/representative", method: .post,
                form: [("form_token", WebPageTests.formToken(in: ask.body)!)],
                file: Array(buffer: try HTTPTests.signed(request, by: .companyEmployee)))
            #expect(byEmployee.body.contains("REGISTRATION_NOT_HEAD"))
            let ask2 = try await head.open(
                "/organisation/representative/request", method: .post,
                form: [("form_token", WebPageTests.formToken(in: page.body)!)], file: certificate,
                fileField: "certificate")
            let added = try await head.open(
                "/organisation/representative", method: .post,
                form: [("form_token", WebPageTests.formToken(in: ask2.body)!)],
                file: Array(
                    buffer: try HTTPTests.signed(
                        WebPageTests.textarea("request", in: ask2.body)!, by: .companyHead)))
            #expect(added.location == "/organisation", "\(added.body)")
            #expect(
                try hub.store.read { try $0.participant(HTTPTests.seller)!.representatives.map(\.iin) } == [
                    "781112400128", "920701400128",
                ])
            try await employee.logIn(as: .companyEmployee)
        }
    }

    /// Each refusal names its reason, in the page's language, and registers nothing.
    @Test func refusalsNameTheirReason() async throws {
        let hub = try HTTPTests.hub(registered: false)
        try await WebPageTests.application(hub).test(.live) { client in
            let cases: [(TestPKI.Participant, String)] = [
                (.companyAuthentication, "CERT_KEY_PURPOSE"), (.companyEmployee, "REGISTRATION_NOT_HEAD"),
                (.revoked, "CERT_REVOKED"), (.untrusted, "CERT_UNTRUSTED"),
            ]
            for (participant, code) in cases {
                let answer = try await Self.register(Browser(client), as: participant)
                #expect(answer.status == .unprocessableContent, "\(participant)")
                #expect(answer.body.contains("data-code=\"\(code)\""), "\(participant): \(answer.body)")
            }
            #expect(try hub.store.read { try $0.participants() }.isEmpty)
            // A role one does not give oneself, and none at all, are refused before anything is signed.
            for roles in [["operator"], []] {
                let browser = Browser(client)
                let form = try await browser.open("/register")
                let page = try await browser.open(
                    "/register/request", method: .post,
                    form: [("form_token", WebPageTests.formToken(in: form.body)!)] + roles.map { ("role", $0) })
                #expect(page.body.contains("data-code=\"PARTICIPANT_INVALID\""))
            }
            // Registered once; the second time says so.
            #expect(try await Self.register(Browser(client), as: .entrepreneur).location == "/organisation")
            let again = try await Self.register(Browser(client), as: .entrepreneur)
            #expect(again.body.contains("data-code=\"REGISTRATION_EXISTS\""))
        }
    }

    /// Two heads' requests for one BIN decided at the same moment: the database lets one register it.
    @Test(arguments: TestBackend.available) func twoRegistrationsOfOneBINAtOnceLeaveOne(_ backend: TestBackend)
        async throws
    {
        let hub = try HTTPTests.hub(backend, registered: false)
        let core = hub.api.core
        let requests = try (0..<2).map { _ in
            Array(
                buffer: try HTTPTests.signed(
                    try core.registrationRequest(roles: ["retailer"], groups: []), by: .companyHead))
        }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for request in requests {
                group.addTask {
                    await (try? StoreThreads.run { try core.register(signed: request) }).map { _ in "ok" }
                        ?? "refused"
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.sorted() == ["ok", "refused"])
        #expect(try hub.store.read { try $0.participants() }.map(\.id) == [HTTPTests.seller])
    }
}
