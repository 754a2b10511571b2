import Foundation
import TanbaDomain
import TanbaErrors
import TanbaIntegrations
import Testing

/// The registers' gateway messages. Failure modes: a status taken from another message's answer, from an error
/// answer, for a subject not asked about or answered twice, or guessed from a code not in the directory.
@Suite struct RegisterGatewayTests {
    let ids = ["050140001238", "850315300128", "031240500125"]

    @Test func aRequestReadsBackAndAnAnswerGivesEachSubjectsStatus() throws {
        let request = RegisterGateway.request(
            ids: ids, messageId: "m-1", senderId: "tanba", password: "p<&>", at: Date())
        let asked = try RegisterGateway.parseRequest(request)
        #expect(asked.messageId == "m-1" && asked.ids == ids)
        let answer = RegisterGateway.response(
            [
                .init(id: ids[0], status: nil, code: "ACTIVE", name: "ТОО «Алатау» & Co"),
                .init(id: ids[1], status: nil, code: "LIQUIDATED", name: nil),
                .init(id: ids[2], status: nil, code: nil, name: nil),
            ], correlationId: "m-1", at: Date())
        let subjects = try RegisterGateway.parseResponse(answer, messageId: "m-1", ids: ids)
        #expect(subjects.map(\.status) == [.active, .liquidated, nil])
        #expect(subjects[0].name == "ТОО «Алатау» & Co" && subjects[1].code == "LIQUIDATED")
    }

    @Test(
        arguments: [
            ("another message", "m-2", [(0, "ACTIVE")], ("SCSS001", "OK"), "correlationId"),
            ("an error status", "m-1", [], ("ERR042", "service down"), "code"),
            ("a subject not asked", "m-1", [(9, "ACTIVE")], ("SCSS001", "OK"), "Id"),
            ("a subject twice", "m-1", [(0, "ACTIVE"), (0, "ACTIVE")], ("SCSS001", "OK"), "Id"),
            ("a code not in the directory", "m-1", [(0, "MERGED")], ("SCSS001", "OK"), "RegStatus"),
        ] as [(String, String, [(Int, String)], (String, String), String)])
    func aWrongAnswerIsRefusedNamingItsElement(
        _ name: String, correlation: String, subjects: [(Int, String)], status: (String, String), element: String
    ) throws {
        let all = ids + ["999999999999"]
        let answer = RegisterGateway.response(
            subjects.map { .init(id: all[min($0.0, 3)], status: nil, code: $0.1, name: nil) },
            correlationId: correlation,
            status: status, at: Date())
        do {
            _ = try RegisterGateway.parseResponse(answer, messageId: "m-1", ids: ids)
            Issue.record("\(name): accepted")
        } catch let error as TanbaError {
            #expect(error.code == .registerAnswerInvalid, "\(name): \(error)")
            #expect(error.diagnostics.first?.path?.hasSuffix(element) == true, "\(name): \(error.diagnostics)")
        }
    }

    @Test func notXMLKeepsTheXMLCoreCodeAndAnotherEnvelopeIsRefused() throws {
        #expect(throws: TanbaError.self) {
            try RegisterGateway.parseResponse(Array("oops".utf8), messageId: "m", ids: ids)
        }
        let other = Array("<a xmlns='urn:x'/>".utf8)
        do {
            _ = try RegisterGateway.parseResponse(other, messageId: "m", ids: ids)
            Issue.record("accepted")
        } catch let error as TanbaError { #expect(error.code == .registerAnswerInvalid) }
    }
}
