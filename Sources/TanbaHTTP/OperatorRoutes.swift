import Hummingbird
import TanbaCore

/// The hub's operators (a participant with the `operator` role) over the API: the Ministry of Finance exports and
/// the reconciliation reports, with their delivery and acknowledgement, and the Ministry's SNTs kept, a page at a
/// time — the same lists as `tanba mof exports`, `tanba mof reconciliations`, `tanba mof snt list` and the web pages
/// `/operator/mof` and `/operator/mof/snts`.
extension HubAPI {
    func addOperatorRoutes(to router: Router<HubContext>) {
        router.get("/v1/operator/mof/exports") { request, context in
            try await audited(request, context, action: "list-mof-exports", query: HubCore.mofListParameters) { _ in
                try json(try core.mofExports(request.queryPairs, as: try authenticate(request)))
            }
        }
        router.get("/v1/operator/mof/reconciliations") { request, context in
            try await audited(
                request, context, action: "list-mof-reconciliations", query: HubCore.mofListParameters
            ) { _ in
                try json(try core.mofReconciliations(request.queryPairs, as: try authenticate(request)))
            }
        }
        router.get("/v1/operator/mof/snts") { request, context in
            try await audited(request, context, action: "list-mof-snts", query: HubCore.mofSNTParameters) { _ in
                try json(try core.mofSNTs(request.queryPairs, as: try authenticate(request)))
            }
        }
    }
}
