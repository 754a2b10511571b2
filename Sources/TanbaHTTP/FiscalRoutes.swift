import HTTPTypes
import Hummingbird
import TanbaCore
import TanbaErrors
import TanbaPipeline

/// Fiscal data: OFDs post their signed batches of cash receipts. The batch's signature is its authentication (the
/// signer must act for a participant with role `ofd`), so the route asks no bearer token.
extension HubAPI {
    func addFiscalRoutes(to router: Router<HubContext>) {
        router.post("/v1/fiscal/receipts") { request, context in
            let body = await collect(request, login: false)
            defer { body.lease?.release() }
            return try await audited(request, context, action: "fiscal-receipts") { identity in
                let bytes = try body.bytes.get()
                let answer: FiscalAnswer
                do {
                    answer = try core.submitFiscal(bytes, via: ChannelOrigin("http", address: context.address))
                } catch let error as TanbaError where error.category != .internal && error.code != .storeConflict {
                    identity.audited = true  // the intake audited the refusal (with the signer, when verified)
                    throw error
                }
                identity.audited = true  // written with the batch
                identity.participant = answer.ofd
                identity.object = answer.batch
                return try json(answer)
            }
        }
    }
}
