import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaDomain
import TanbaStore
import TanbaXML
import Testing

/// A state body reads every participant's documents and codes (tax and customs administration, statistics); it
/// acts for nobody: a document it submits in a participant's name is refused like anyone else's.
@Suite struct StateBodyTests {
    @Test func aStateBodyReadsAllAndSubmitsForNobody() async throws {
        let hub = try HTTPTests.hub()
        // The test PKI's operator certificate stands in for a ministry's: what matters is the registered role.
        try hub.store.write { tx in
            try tx.save(
                try Participant(
                    id: TestPKI.operatorBIN, name: "Министрлік", isOrganisation: true, roles: [.stateBody]))
        }
        let app = hub.api.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            let ministry = try await HTTPTests.login(client, as: .hub)
            let buyer = try await HTTPTests.login(client, as: .buyerHead)
            let shipment = try HTTPTests.signed(HTTPTests.shipment(hub.codes), by: .companyHead)
            let documentID = try await client.execute(
                uri: "/v1/documents", method: .post, headers: HTTPTests.bearer(seller), body: shipment
            ) { response in
                #expect(response.status == .ok)
                return response.headers[HTTPField.Name("X-Tanba-Document")!] ?? ""
            }
            for suffix in ["", "/receipt", "/status"] {
                try await client.execute(
                    uri: "/v1/documents/\(documentID)\(suffix)", method: .get, headers: HTTPTests.bearer(ministry)
                ) { response in
                    #expect(response.status == .ok, "\(suffix): \(String(buffer: response.body))")
                }
            }
            try await client.execute(
                uri: "/v1/codes/\(hub.codes[0])", method: .get, headers: HTTPTests.bearer(ministry)
            ) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains(HTTPTests.seller))
            }
            // The same code is not the buyer's (yet): to a participant without the role it does not exist.
            try await client.execute(
                uri: "/v1/codes/\(hub.codes[0])", method: .get, headers: HTTPTests.bearer(buyer)
            ) { response in
                #expect(response.status == .notFound)
            }
            // Reading is all a state body does: the seller's document posted with its token is refused.
            try await client.execute(
                uri: "/v1/documents", method: .post, headers: HTTPTests.bearer(ministry), body: shipment
            ) { response in
                #expect(response.status == .forbidden, "\(String(buffer: response.body))")
            }
        }
        let reads = try hub.store.read { try $0.audit(after: 0, limit: 100) }
            .filter { $0.participant == TestPKI.operatorBIN && $0.action == "read" }
        #expect(reads.count == 3 && reads.allSatisfy { $0.result == "200" })
    }
}
