import Foundation
import Synchronization

/// The sessions this process has seen, so that a request with a known token costs no store read; the store stays
/// the authority (`LoginService`).
///
/// Bounded: at most `capacity` entries. Every insert first sweeps the expired ones once the table is full, and
/// if it is still full, forgets the entry that expires first (its next request reads the store again, nothing
/// worse). So neither many logins nor many tokens read from the store can grow it without limit.
final class SessionCache: Sendable {
    struct Entry: Sendable {
        let caller: Caller
        let expires: Date
    }

    let capacity: Int
    private let table = Mutex<[String: Entry]>([:])

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// The caller a token stands for: `.some(nil)` when it is known here and expired (and now forgotten), nil
    /// when this process has not seen it.
    func lookup(_ token: String, now: Date) -> Caller?? {
        table.withLock { table in
            guard let entry = table[token] else { return nil }
            guard entry.expires > now else {
                table.removeValue(forKey: token)
                return .some(nil)
            }
            return entry.caller
        }
    }

    func remember(_ token: String, _ entry: Entry, now: Date) {
        table.withLock { table in
            if table[token] == nil, table.count >= capacity {
                // A sweep costs O(n) but runs only when the table is full, and frees every expired entry at once.
                table = table.filter { $0.value.expires > now }
                if table.count >= capacity, let soonest = table.min(by: { $0.value.expires < $1.value.expires }) {
                    table.removeValue(forKey: soonest.key)
                }
            }
            table[token] = entry
        }
    }

    /// Entries held now (expired ones included until a sweep or a look-up removes them).
    var count: Int { table.withLock { $0.count } }
}
