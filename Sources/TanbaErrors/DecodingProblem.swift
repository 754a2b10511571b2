/// Where a JSON input fails to decode, in the input's own terms (`items[3].code is missing`).
///
/// `DecodingError`'s description is a dump of coding paths and debug descriptions meant for programmers: it
/// must not reach a user, a receipt or an HTTP answer.
public enum DecodingProblem {
    public static func describe(_ error: any Error) -> String {
        func at(_ path: [any CodingKey]) -> String {
            guard !path.isEmpty else { return "the top level" }
            var text = ""
            for key in path {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "\(at(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "\(at(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "not valid JSON" : "\(at(context.codingPath)) is invalid"
        default: return "not valid JSON"
        }
    }
}
