/// Codes of the state registers of legal entities and entrepreneurs, and of what they decide.
extension ErrorCode {
    public static let authParticipantInactive = ErrorCode("AUTH_PARTICIPANT_INACTIVE")
    public static let registerAnswerInvalid = ErrorCode("REGISTER_ANSWER_INVALID")
    public static let registerAnswerUnsigned = ErrorCode("REGISTER_ANSWER_UNSIGNED")
    public static let registerAnswerWrongSigner = ErrorCode("REGISTER_ANSWER_WRONG_SIGNER")
    public static let registerAnswerStale = ErrorCode("REGISTER_ANSWER_STALE")
    public static let registerUnreachable = ErrorCode("REGISTER_UNREACHABLE")
    public static let registrationNotInRegister = ErrorCode("REGISTRATION_NOT_IN_REGISTER")
}

extension ErrorCatalogue {
    /// The registers' codes.
    public static let registers: [ErrorDefinition] = [
        .init(
            code: .authParticipantInactive, category: .document,
            summary:
                "The participant is suspended or liquidated in the state register: it can no longer log in or sign "
                + "documents."),
        .init(
            code: .registerAnswerInvalid, category: .internal,
            summary:
                "The registers' gateway answered with something that is not a register answer (malformed, another "
                + "message's, an error status, a status not in the directory), or a register's dump to import is "
                + "not one: nothing was changed."),
        .init(
            code: .registerAnswerUnsigned, category: .internal,
            summary: "The registers' gateway answered without a signature: nothing was changed, the refusal is audited."
        ),
        .init(
            code: .registerAnswerWrongSigner, category: .internal,
            summary:
                "The registers' gateway's answer is not signed by its configured certificate (--register-cert), or its "
                + "signature does not verify: nothing was changed, the refusal is audited."),
        .init(
            code: .registerAnswerStale, category: .internal,
            summary:
                "The registers' gateway's answer is dated before the question was asked or after now (beyond five "
                + "minutes of clock difference): a replayed or delayed answer; nothing was changed, the refusal is "
                + "audited."),
        .init(
            code: .registerUnreachable, category: .internal,
            summary:
                "The registers' gateway could not be reached or answered with an HTTP error: the participants keep "
                + "the status last read, and the refresh is tried again at its next turn."),
        .init(
            code: .registrationNotInRegister, category: .request,
            summary:
                "The BIN or IIN registering is not in the state registers of legal entities and entrepreneurs the hub "
                + "holds (tanba registers import): only a registered legal entity or entrepreneur may take part."),
    ]
}
