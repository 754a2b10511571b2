public import TanbaErrors
public import Testing

/// Expects `body` to throw a `TanbaError` whose first code is `code`, and returns it for further checks.
///
/// Shared by every test target: a refusal is asserted by its stable code, never by its message.
@discardableResult
public func expectCode(
    _ code: ErrorCode, _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> TanbaError? {
    do {
        try body()
        Issue.record("expected \(code) \(context), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as TanbaError {
        #expect(error.code == code, "\(context) \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code) \(context), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
