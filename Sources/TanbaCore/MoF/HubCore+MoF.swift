/// The Ministry of Finance exports as the hub's operators see them over HTTP and in the web workspace (the command
/// line has `tanba mof exports`, which lists them through the same `MoFExportView.list`).
extension HubCore {
    /// The list's parameters.
    public static let mofExportParameters: Set<String> = ["limit"]

    /// The newest exports with their delivery and acknowledgement; `limit` (1…200, 50).
    /// - Throws: `AUTH_FORBIDDEN` unless `caller` is one of the hub's operators (the exports hold every
    ///   participant's transfers); `REQUEST_PARAMETER_INVALID` naming the parameter.
    public func mofExports(
        _ parameters: some Sequence<(String, String)>, as caller: Caller,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> [MoFExportView] {
        try checkOperator(caller)
        let query = try QueryText(parameters, known: Self.mofExportParameters, naming: naming)
        let limit = try query.integer("limit", in: 1...MoFExportView.maxLimit, default: 50)
        return try MoFExportView.list(store: store, limit: limit)
    }
}
