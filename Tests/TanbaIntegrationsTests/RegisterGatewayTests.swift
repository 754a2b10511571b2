import Foundation
import TanbaDomain
import TanbaErrors
import TanbaIntegrations
import TanbaXML
import Testing

/// The registers' gateway messages. Failure modes: a status taken from another message's answer, from an error
/// answer, for a subject not asked about or answered twice, or guessed from a code not in the directory; an answer
/// taken that the gateway did not sign (unsigned, another signer, changed after signing) or that is older than the
/// question (replayed).
@Suite struct RegisterGatewayTests {
    let ids = ["050140001238", "850315300128", "031240500125"]
    /// The gateway's certificate (a stand-in from the test PKI), pinned as `--register-cert` pins it.
    static let gateway = TestPKI.Participant.companyEmployee
    static var pinned: Certificate { try! Certificate.load(contentsOf: Fixtures.pki.certificateFile(gateway))[0] }

    /// Reads `answer` as the hub does after asking at `askedAt`.
    func read(_ answer: [UInt8], messageId: String = "m-1", askedAt: Date = Date() - 1) throws
        -> [RegisterGateway.Subject]
    {
        try RegisterGateway.parseResponse(
            answer, messageId: messageId, ids: ids, askedAt: askedAt, gateway: Self.pinned)
    }

    static func signed(_ answer: [UInt8], by participant: TestPKI.Participant = gateway) throws -> [UInt8] {
        try Fixtures.signer(participant).sign(answer)
    }

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
        let subjects = try read(try Self.signed(answer))
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
            _ = try read(try Self.signed(answer))
            Issue.record("\(name): accepted")
        } catch let error as TanbaError {
            #expect(error.code == .registerAnswerInvalid, "\(name): \(error)")
            #expect(error.diagnostics.first?.path?.hasSuffix(element) == true, "\(name): \(error.diagnostics)")
        }
    }

    @Test func notXMLKeepsTheXMLCoreCodeAndAnotherEnvelopeIsRefused() throws {
        #expect(throws: TanbaError.self) {
            try read(Array("oops".utf8), messageId: "m")
        }
        let other = Array("<a xmlns='urn:x'/>".utf8)
        do {
            _ = try read(try Self.signed(other), messageId: "m")
            Issue.record("accepted")
        } catch let error as TanbaError { #expect(error.code == .registerAnswerInvalid) }
    }

    /// Answers the gateway did not sign, or not for this question, are refused by their own codes before anything in
    /// them is read.
    @Test func anAnswerTheGatewayDidNotSignOrThatPredatesTheQuestionIsRefused() throws {
        let asked = Date()
        func answer(at date: Date = asked + 1) -> [UInt8] {
            RegisterGateway.response(
                [.init(id: ids[0], status: nil, code: "LIQUIDATED", name: nil)], correlationId: "m-1", at: date)
        }
        let tampered = String(decoding: try Self.signed(answer()), as: UTF8.self)
            .replacingOccurrences(of: "LIQUIDATED", with: "ACTIVE")
        let cases: [(String, [UInt8], ErrorCode)] = [
            ("unsigned", answer(), .registerAnswerUnsigned),
            ("signed by another certificate", try Self.signed(answer(), by: .buyerHead), .registerAnswerWrongSigner),
            ("changed after signing", Array(tampered.utf8), .registerAnswerWrongSigner),
            ("dated an hour before the question", try Self.signed(answer(at: asked - 3600)), .registerAnswerStale),
            ("dated an hour ahead", try Self.signed(answer(at: asked + 3600)), .registerAnswerStale),
        ]
        for (name, bytes, code) in cases {
            do {
                _ = try read(bytes, askedAt: asked)
                Issue.record("\(name): accepted")
            } catch let error as TanbaError {
                #expect(error.code == code, "\(name): \(error)")
            }
        }
        // Within the clock difference the gateway may have: taken.
        #expect(try read(try Self.signed(answer(at: asked - 60)), askedAt: asked).first?.status == .liquidated)
    }
}
