public import Foundation

extension Locale {
    /// The locale that XML documents and the Ministry's files write numbers in (`.` as the decimal separator),
    /// whatever the process's own. Made once: building a `Locale` costs more than reading the number, and a
    /// 100,000-code document's lines spent a tenth of their decision building one per amount.
    public static let posix = Locale(identifier: "en_US_POSIX")
}
