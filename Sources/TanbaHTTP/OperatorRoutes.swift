import Hummingbird
import TanbaCore

/// The hub's operators (a participant with the `operator` role) over the API: the Ministry of Finance exports and
/// the reconciliation reports, with their delivery and acknowledgement, a page at a time — the same lists as
/// `tanba mof exports`, `tanba mof reconciliations` and the web page `/operator/mof`.
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
    }
}
