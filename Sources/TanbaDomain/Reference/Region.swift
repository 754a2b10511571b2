/// Kazakhstan's regions and cities of republican significance, by their ISO 3166-2:KZ codes (as of 2022): where a
/// violation was seen. Names are the web catalogue's (`region_KZ-75`…), in three languages.
public enum Region {
    public static let codes: [String] = [
        "KZ-71", "KZ-75", "KZ-79", "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35",
        "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63",
    ]

    /// Whether `code` is one of them.
    public static func isKnown(_ code: String) -> Bool { codes.contains(code) }
}
