import Foundation
import TanbaXML

/// How documents name codes and packages, and how the store does: a marking code is its own identity; a transport
/// package is written `<SSCC>` with its 18 digits in a document and kept as `00` + those digits in the store. Every
/// reader and writer of document items goes through here.
public enum DocumentItems {
    /// The store's identity of an item element (`Code`, `SSCC`, …) with this text.
    public static func identity(element: String, text: String) -> String {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return element == "SSCC" ? "00" + value : value
    }

    /// Whether a store identity is a transport package's (`00` + 18 digits).
    public static func isPackage(_ id: String) -> Bool {
        id.hasPrefix("00") && id.count == 20 && id.allSatisfy(\.isNumber)
    }

    /// The element that names an item in a document.
    static func element(_ id: String) -> String {
        isPackage(id) ? "<SSCC>\(id.dropFirst(2))</SSCC>" : "<Code>\(XMLText.escape(id))</Code>"
    }
}
