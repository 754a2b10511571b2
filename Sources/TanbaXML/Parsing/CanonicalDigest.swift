extension XMLDocument {
    /// SHA-256 (lowercase hex) of the whole document in Canonical XML 1.0 without comments.
    ///
    /// Why canonical and not the bytes: the same signed document reaches the hub through different channels
    /// (an ERP's HTTP client, a drop folder written on Windows, a browser upload), which may change the XML
    /// declaration, the encoding, line endings (CRLF), attribute quoting or order, `<a/>` against `<a></a>`,
    /// or add comments. None of that changes what was signed, so none of it may make the document a new one:
    /// the hub answers it with its original receipt. The canonical form is streamed into the hash, never held
    /// in memory (an accompanying document may have hundreds of thousands of codes).
    public func canonicalDigest() throws -> String {
        Hex.encode(
            try Canonicalizer.digest(
                self, .document, method: XMLDSigURI.inclusiveC14N, digestMethod: XMLDSigURI.sha256))
    }
}
