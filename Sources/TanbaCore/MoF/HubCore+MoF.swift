/// The Ministry of Finance exports as the hub's operators see them over HTTP and in the web workspace (the command
/// line has `tanba mof exports`, which lists them through the same `MoFExportView.list`).
extension HubCore {
    /// The list's parameters: `limit` and `after` (`MoFExportView.list`).
    public static let mofExportParameters: Set<String> = ["limit", "after"]

    /// A page of the exports, newest first, with their delivery and acknowledgement; `limit` (1…200, 50) and
    /// `after` (the previous page's `next`, as given).
    /// - Throws: `AUTH_FORBIDDEN` unless `caller` is one of the hub's operators (the exports hold every
    ///   participant's transfers); `REQUEST_PARAMETER_INVALID` naming the parameter (`after` for a cursor this list
    ///   did not give out).
    public func mofExports(
        _ parameters: some Sequence<(String, String)>, as caller: Caller,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> MoFExportView.Page {
        try checkOperator(caller)
        let asked = try MoFExportView.page(
            asked: try QueryText(parameters, known: Self.mofExportParameters, naming: naming))
        return try MoFExportView.list(store: store, limit: asked.limit, after: asked.after)
    }
}
