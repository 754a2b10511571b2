import Hummingbird
import TanbaCore

/// The hub's operators (a participant with the `operator` role) over the API: the Ministry of Finance exports with
/// their delivery and acknowledgement, a page at a time — the same list as `tanba mof exports` and the web page
/// `/operator/mof`.
extension HubAPI {
    func addOperatorRoutes(to router: Router<HubContext>) {
        router.get("/v1/operator/mof/exports") { request, context in
            try await audited(request, context, action: "list-mof-exports", query: HubCore.mofExportParameters) { _ in
                try json(try core.mofExports(request.queryPairs, as: try authenticate(request)))
            }
        }
    }
}
