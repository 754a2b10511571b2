/// The Ministry of Finance exports and reconciliation reports, and the Ministry's SNT lists kept, as the hub's
/// operators see them over HTTP and in the web workspace (the command line has `tanba mof exports`, `tanba mof
/// reconciliations` and `tanba mof snt list`, which list them through the same `MoFListItem.list` and
/// `MoFSNTPage.read`).
extension HubCore {
    /// The lists' parameters: `limit` and `after` (`MoFListItem.page(asked:)`).
    public static let mofListParameters: Set<String> = ["limit", "after"]

    /// A page of the exports, newest first, with their delivery and acknowledgement; `limit` (1…200, 50) and
    /// `after` (the previous page's `next`, as given).
    /// - Throws: `AUTH_FORBIDDEN` unless `caller` is one of the hub's operators (the exports hold every
    ///   participant's transfers); `REQUEST_PARAMETER_INVALID` naming the parameter (`after` for a cursor this list
    ///   did not give out).
    public func mofExports(
        _ parameters: some Sequence<(String, String)>, as caller: Caller,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> MoFExportView.Page {
        try mofList(parameters, as: caller, naming: naming)
    }

    /// A page of the reconciliation reports, newest first, with their delivery and acknowledgement: as
    /// `mofExports`, with the same parameters, policy and refusals (a cursor of the exports' list is not one of
    /// this list).
    /// - Throws: `AUTH_FORBIDDEN` unless `caller` is one of the hub's operators (the reports name every
    ///   participant's shipments without an SNT); `REQUEST_PARAMETER_INVALID` naming the parameter.
    public func mofReconciliations(
        _ parameters: some Sequence<(String, String)>, as caller: Caller,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> MoFReconciliationView.Page {
        try mofList(parameters, as: caller, naming: naming)
    }

    /// Either list: the operator check, then the parameters, then the page.
    func mofList<Fields>(
        _ parameters: some Sequence<(String, String)>, as caller: Caller, naming: @escaping QueryText.Naming
    ) throws -> MoFListItem<Fields>.Page {
        try checkOperator(caller)
        let asked = try MoFListItem<Fields>.page(
            asked: try QueryText(parameters, known: Self.mofListParameters, naming: naming))
        return try MoFListItem<Fields>.list(store: store, limit: asked.limit, after: asked.after)
    }

    /// The SNT view's parameters: `from`, `to`, `limit` and `after` (`MoFSNTPage.asked`).
    public static let mofSNTParameters: Set<String> = ["from", "to", "limit", "after"]

    /// The SNT lists kept whose period meets `from`…`to` (newest first, at most 50) and a page of the SNTs in force
    /// dated in it (by day, then number; `limit` 1…500, 100; `after` the previous page's `next`, as given).
    /// - Throws: `AUTH_FORBIDDEN` unless `caller` is one of the hub's operators (the SNTs name every participant's
    ///   invoices); `REQUEST_PARAMETER_INVALID` naming the parameter (a day that is not one, `to` before `from`, a
    ///   cursor this list did not give out).
    public func mofSNTs(
        _ parameters: some Sequence<(String, String)>, as caller: Caller,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> MoFSNTPage {
        try checkOperator(caller)
        let asked = try MoFSNTPage.asked(try QueryText(parameters, known: Self.mofSNTParameters, naming: naming))
        return try MoFSNTPage.read(store: store, asked)
    }
}
