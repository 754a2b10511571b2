public import Foundation
import TanbaErrors

/// Packaging: consumer units into group packages into transport packages (SSCC).
///
/// Invariants the functions keep: a code has at most one parent; a package holds only lower levels; a package
/// and everything inside it share owner and status (operations on a package move its contents with it).
public enum Aggregation {
    /// Puts `children` into `parent`, returning the changed children.
    ///
    /// - Parameter ancestorsOfParent: the ids of the packages `parent` is inside (to refuse cycles).
    public static func aggregate(
        _ children: [CodeRecord], into parent: CodeRecord, ancestorsOfParent: Set<String> = [], by actor: String
    ) throws -> [CodeRecord] {
        guard !children.isEmpty else {
            throw TanbaError(.aggregationEmpty, "\(parent.id): no contents named", subject: parent.id)
        }
        try checkPackage(parent, by: actor)
        var problems: [Diagnostic] = []
        var result: [CodeRecord] = []
        for child in children {
            do {
                if child.id == parent.id || ancestorsOfParent.contains(child.id) {
                    throw TanbaError(
                        .aggregationCycle, "\(child.id) cannot go inside \(parent.id), which is inside it",
                        subject: child.id)
                }
                // Transport packages nest (boxes on a pallet, each with its SSCC); otherwise strictly upwards.
                guard child.level < parent.level || (child.level == .transport && parent.level == .transport) else {
                    throw TanbaError(
                        .aggregationLevel,
                        "\(child.id) (\(child.level)) cannot go inside \(parent.id) (\(parent.level))",
                        subject: child.id)
                }
                if let current = child.parent {
                    throw TanbaError(
                        .aggregationAlreadyInside, "\(child.id) is already inside \(current)", subject: child.id)
                }
                guard child.owner == actor else {
                    throw TanbaError(
                        .codeNotOwner, "\(child.id): belongs to \(child.owner), not to \(actor)", subject: child.id)
                }
                if let document = child.lockedBy {
                    throw TanbaError(
                        .codeLocked, "\(child.id): locked by the pending shipment \(document)", subject: child.id)
                }
                guard child.status == parent.status else {
                    throw TanbaError(
                        .aggregationMixed,
                        "\(child.id) is \(child.status.rawValue) but the package \(parent.id) is \(parent.status.rawValue)",
                        subject: child.id)
                }
                var next = child
                next.parent = parent.id
                result.append(next)
            } catch let error as TanbaError {
                problems += error.diagnostics
            }
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        return result
    }

    /// Takes `children` out of `parent`, returning the changed children.
    public static func remove(_ children: [CodeRecord], from parent: CodeRecord, by actor: String) throws
        -> [CodeRecord]
    {
        guard !children.isEmpty else {
            throw TanbaError(.aggregationEmpty, "\(parent.id): no contents named", subject: parent.id)
        }
        try checkPackage(parent, by: actor)
        var problems: [Diagnostic] = []
        var result: [CodeRecord] = []
        for child in children {
            guard child.parent == parent.id else {
                problems.append(
                    Diagnostic(.aggregationNotChild, "\(child.id) is not inside \(parent.id)", subject: child.id))
                continue
            }
            var next = child
            next.parent = nil
            result.append(next)
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        return result
    }

    /// A new, empty transport package for `sscc`, owned by `owner`, in `status`.
    public static func transportPackage(
        sscc: String, owner: String, status: CodeStatus, at date: Date
    ) -> CodeRecord {
        CodeRecord(
            id: "00" + sscc, level: .transport, gtin: nil, status: status, owner: owner, emitter: owner, issuedAt: date)
    }

    private static func checkPackage(_ parent: CodeRecord, by actor: String) throws {
        guard parent.owner == actor else {
            throw TanbaError(
                .codeNotOwner, "\(parent.id): belongs to \(parent.owner), not to \(actor)", subject: parent.id)
        }
        if let document = parent.lockedBy {
            throw TanbaError(
                .codeLocked, "\(parent.id): locked by the pending shipment \(document)", subject: parent.id)
        }
        guard parent.status == .applied || parent.status == .inCirculation else {
            throw TanbaError(
                .codeStatus,
                "\(parent.id): packages can be changed while applied or in circulation, not \(parent.status.rawValue)",
                subject: parent.id)
        }
    }
}
