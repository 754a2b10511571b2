public import Foundation
public import TanbaDomain
import TanbaErrors

/// Changes codes in the store through the domain's rules: one call, one transaction, every refusal listed.
public struct Ledger: Sendable {
    public let store: any HubStore

    public init(store: any HubStore) { self.store = store }

    /// Records newly issued codes; the order is their first history entry.
    public func issue(_ codes: [CodeRecord], order: String) throws {
        try store.write { tx in try Self.issue(codes, order: order, in: tx) }
    }

    /// The same, inside a caller's transaction (the operator's order with its audit entry).
    public static func issue(_ codes: [CodeRecord], order: String, in tx: any StoreWriter) throws {
        try tx.insert(codes, origin: order)
    }

    /// Applies `operation` to the named codes and to everything inside them, atomically.
    ///
    /// A code inside a package that is not itself named is refused (`CODE_IN_PACKAGE`) — except for a
    /// withdrawal, which takes the unit out of its package (a unit sold from an opened box).
    /// - Returns: every changed record.
    public func perform(_ operation: CodeOperation, on ids: [String], document: String?, at date: Date) throws
        -> [CodeRecord]
    {
        try store.write { tx in try Self.perform(operation, on: ids, document: document, at: date, in: tx) }
    }

    /// The same, inside a caller's transaction (a document applies several operations at once).
    public static func perform(
        _ operation: CodeOperation, on ids: [String], document: String?, at date: Date, in tx: any StoreWriter
    ) throws -> [CodeRecord] {
        // Duplicates may stay in the list: the store's `IN` reads each code once.
        let found = try tx.codes(ids)
        // Only a code inside a package asks which codes were named (its package with it?): the set is built then.
        var named: Set<String>?
        // One lookup per code and no copy of the whole batch: an accompanying document names 100,000 codes, and
        // each copy of a code record retains its strings.
        var missing: [Diagnostic] = []
        var problems: [Diagnostic] = []
        var changes: [CodeChange] = []
        changes.reserveCapacity(ids.count)
        var changed: [CodeRecord] = []
        changed.reserveCapacity(ids.count)
        // Each target is changed from the state it was read in (a unit withdrawn from its package is changed from
        // inside it, though the operation sees it outside).
        var refusals: [Diagnostic] = []
        func change(_ before: CodeRecord, as target: CodeRecord) throws {
            do {
                let after = try CodeStateMachine.apply(operation, to: target)
                changes.append(CodeChange(before: before, after: after))
                changed.append(after)
            } catch let error as TanbaError {
                refusals += error.diagnostics
            }
        }
        var packages: [String] = []
        for id in ids {
            guard let before = found[id] else {
                missing.append(Diagnostic(.codeNotFound, "\(id): no such code", subject: id))
                continue
            }
            if let parent = before.parent {
                if named == nil { named = Set(ids) }
                // Named together with its package: the package's expansion covers it.
                if named!.contains(parent) { continue }
                // Withdrawn out of its package, or back alone from abroad (its package was broken up there).
                switch operation {
                case .withdraw, .reimport: break
                default:
                    problems.append(
                        Diagnostic(
                            .codeInPackage,
                            "\(id): inside package \(parent); \(operation.name) the package or take the code out first",
                            subject: id)
                    )
                    continue
                }
                var target = before
                target.parent = nil
                try change(before, as: target)
            } else {
                try change(before, as: before)
            }
            // Only packages have contents: units need no lookup.
            if before.level != .unit { packages.append(id) }
        }
        if !packages.isEmpty {
            for content in try descendants(of: packages, in: tx) { try change(content, as: content) }
        }
        // Missing codes first, then codes in packages, then the state machine's refusals.
        problems = missing + problems + refusals
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        try tx.update(changes)
        try record(operation.name, changed, at: date, document: document, in: tx)
        return changed
    }

    /// Puts codes into a package; a transport package (`00` + SSCC) that does not exist yet is created.
    public func aggregate(_ ids: [String], into packageID: String, by actor: String, document: String?, at date: Date)
        throws
    {
        try store.write { tx in
            _ = try Self.aggregate(ids, into: packageID, by: actor, document: document, at: date, in: tx)
        }
    }

    /// The same, inside a caller's transaction; returns the changed contents.
    public static func aggregate(
        _ ids: [String], into packageID: String, by actor: String, document: String?, at date: Date,
        in tx: any StoreWriter
    ) throws -> [CodeRecord] {
        var package = try tx.code(packageID)
        let children = try existing(ids, in: tx)
        if package == nil {
            guard packageID.hasPrefix("00"), packageID.count == 20 else {
                throw TanbaError(.codeNotFound, "\(packageID): no such package")
            }
            _ = try SSCC(String(packageID.dropFirst(2)))  // a new transport package needs a valid SSCC
            let status = children.first?.status ?? .inCirculation
            let created = Aggregation.transportPackage(
                sscc: String(packageID.dropFirst(2)), owner: actor, status: status, at: date)
            try tx.insert([created], origin: document)
            package = created
        }
        var ancestors: Set<String> = []
        var cursor = package!.parent
        while let id = cursor, let parent = try tx.code(id) {
            ancestors.insert(id)
            cursor = parent.parent
        }
        let changed = try Aggregation.aggregate(children, into: package!, ancestorsOfParent: ancestors, by: actor)
        try tx.update(changed)
        try Self.record("aggregate", changed, at: date, document: document, in: tx)
        return changed
    }

    /// Takes codes out of a package (all of them when `ids` is nil: disaggregation).
    public func remove(_ ids: [String]?, from packageID: String, by actor: String, document: String?, at date: Date)
        throws
    {
        try store.write { tx in
            _ = try Self.remove(ids, from: packageID, by: actor, document: document, at: date, in: tx)
        }
    }

    /// The same, inside a caller's transaction; returns the changed contents.
    public static func remove(
        _ ids: [String]?, from packageID: String, by actor: String, document: String?, at date: Date,
        in tx: any StoreWriter
    ) throws -> [CodeRecord] {
        guard let package = try tx.code(packageID) else {
            throw TanbaError(.codeNotFound, "\(packageID): no such package")
        }
        let children = try ids.map { try existing($0, in: tx) } ?? tx.children(of: [packageID])
        let changed = try Aggregation.remove(children, from: package, by: actor)
        try tx.update(changed)
        try record(ids == nil ? "disaggregate" : "remove", changed, at: date, document: document, in: tx)
        return changed
    }

    private static func existing(_ ids: [String], in tx: any StoreReader) throws -> [CodeRecord] {
        let found = try tx.codes(ids)
        let missing = ids.filter { found[$0] == nil }
        guard missing.isEmpty else {
            throw TanbaError(diagnostics: missing.map { Diagnostic(.codeNotFound, "\($0): no such code", subject: $0) })
        }
        return ids.map { found[$0]! }
    }

    /// One history entry per resulting (status, owner) — usually one for the whole batch.
    static func record(
        _ operation: String, _ codes: [CodeRecord], at date: Date, document: String?, in tx: any StoreWriter
    ) throws {
        var groups = RunGroups<HistoryEntry>()
        for code in codes {
            groups.add(
                code.id,
                to: HistoryEntry(
                    at: date, operation: operation, status: code.status, owner: code.owner, document: document))
        }
        for (entry, ids) in groups.finished() { try tx.record(entry, for: ids) }
    }

    /// Everything inside the given packages, at any depth.
    public static func descendants(of ids: [String], in tx: any StoreReader) throws -> [CodeRecord] {
        var result: [CodeRecord] = []
        var frontier = ids
        while !frontier.isEmpty {
            let children = try tx.children(of: frontier)
            result += children
            frontier = children.filter { $0.level != .unit }.map(\.id)
        }
        return result
    }
}
