public import Foundation
public import TanbaStore

/// An export as operators see it (`tanba mof exports`, `GET /v1/operator/mof/exports`, the web page
/// `/operator/mof`), with the state of its delivery and of the Ministry's acknowledgement (`MoFListItem`).
public typealias MoFExportView = MoFListItem<MoFExportFields>

/// What the list of exports shows of an export, beside its status.
public struct MoFExportFields: MoFListFields {
    public let id: String
    /// `daily` or `onDemand`.
    public let mode: String
    public let from: String
    public let to: String
    public let createdAt: Date
    /// Events per kind (`ownershipTransfer`…), and all of them.
    public let counts: [String: Int]
    public let total: Int
    public let sha256: String
    public let size: Int64

    public static var listName: String { "exports" }

    public init(_ export: MoFExportRecord) {
        id = export.id
        mode = export.mode.rawValue
        from = export.fromDay
        to = export.toDay
        createdAt = export.createdAt
        counts = Dictionary(uniqueKeysWithValues: export.counts.map { ($0.key.rawValue, $0.value) })
        total = export.total
        sha256 = export.digest
        size = export.size
    }

    public static func page(in tx: any StoreReader, after: MoFExportCursor?, limit: Int) throws -> MoFExportPage {
        try tx.mofExportPage(after: after, limit: limit)
    }
}

extension PageJSON where Item == MoFExportView {
    /// The page's exports, newest first.
    public var exports: [MoFExportView] { items }
}
