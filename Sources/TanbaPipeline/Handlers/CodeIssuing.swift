public import Foundation
public import TanbaDomain
public import TanbaEmission
import TanbaErrors
public import TanbaStore

/// Issuing fresh codes into the store.
///
/// Serials are random, so a new one may already exist for the GTIN: with the short national serials (six
/// characters for milk and water) that is likely once a product has many codes. The store's unique index refuses
/// such a code — a code is issued once, ever — and the serials that collided are drawn again, in the same
/// transaction (the failed insert statement rolled back alone).
public enum CodeIssuing {
    /// The emitter for a product group's codes: its national format (serial and tail lengths, AI 92 or 93). The
    /// one rule for every channel that issues codes (a code-order document, `tanba codes order`).
    /// - Throws: `FLC_GROUP_NOT_ISSUED` for a group the hub issues no codes for (no format in the reference data:
    ///   marked with stamps or RFID signs), or an unknown group.
    public static func emitter(key: EmissionKey, group: String, reference: ReferenceData) throws -> CodeEmitter {
        CodeEmitter(key: key, format: try format(ofGroup: group, in: reference))
    }

    /// The national format of a group's codes.
    /// - Throws: `FLC_GROUP_NOT_ISSUED` when the hub issues no codes for the group.
    public static func format(ofGroup group: String, in reference: ReferenceData) throws -> NationalCodeFormat {
        guard let format = reference.codeFormat(ofGroup: group) else {
            throw TanbaError(.flcGroupNotIssued, "product group \(group) is not marked with codes issued by the hub")
        }
        return format
    }

    /// How often colliding serials are drawn again before the order is refused.
    static let attempts = 8

    /// Emits `count` codes and inserts them with their history.
    /// - Throws: `CODE_DUPLICATE` when serials still collide after every attempt (the product's serial space is
    ///   nearly used up), and the store's errors.
    public static func issue(
        _ emitter: CodeEmitter, gtin: String, count: Int, owner: String, at date: Date, origin: String,
        in tx: any StoreWriter
    ) throws -> [CodeRecord] {
        var codes = try emitter.issue(gtin: gtin, count: count, owner: owner, at: date)
        for attempt in 1...attempts {
            do {
                try tx.insert(codes, origin: origin)
                return codes
            } catch let error as TanbaError where error.code == .codeDuplicate && attempt < attempts {
                let taken = try tx.codes(codes.map(\.id))
                guard !taken.isEmpty else { throw error }
                var ids = Set(codes.map(\.id))
                for index in codes.indices where taken[codes[index].id] != nil {
                    // Each new draw is looked up on its own: collisions are rare, and then a few lookups are cheap.
                    repeat {
                        codes[index] = try emitter.issue(gtin: gtin, count: 1, owner: owner, at: date)[0]
                    } while try !ids.insert(codes[index].id).inserted || taken[codes[index].id] != nil
                        || tx.code(codes[index].id) != nil
                }
            }
        }
        return codes
    }
}
