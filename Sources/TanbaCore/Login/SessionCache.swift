import Foundation
import Synchronization

/// The sessions this process has seen, so that a request with a known token costs no store read; the store stays
/// the authority (`LoginService`).
///
/// Bounded: at most `capacity` entries. When an insert finds the table full, the expired entries are swept, and if
/// that frees less than a tenth of it, the entries that expire soonest are forgotten until a tenth is free (their
/// next request reads the store again, nothing worse). The O(n log n) clean-up then serves the next tenth of
/// `capacity` inserts, so an insert costs O(log n) amortised, and neither many logins nor many tokens read from
/// the store can grow the table without limit.
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
                table = table.filter { $0.value.expires > now }
                let keep = capacity - max(1, capacity / 10)
                if table.count > keep {
                    let soonest = table.sorted { $0.value.expires < $1.value.expires }.prefix(table.count - keep)
                    for (key, _) in soonest { table.removeValue(forKey: key) }
                }
            }
            table[token] = entry
        }
    }

    /// Entries held now (expired ones included until a sweep or a look-up removes them).
    var count: Int { table.withLock { $0.count } }
}
