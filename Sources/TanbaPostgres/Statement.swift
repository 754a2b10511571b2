import NIOCore
import PostgresNIO

/// SQL text with its bound values, built a piece at a time: every value goes in as a bind parameter (`$n`),
/// never into the text.
struct Statement {
    var sql: String
    var binds = PostgresBindings()

    init(_ sql: String = "") { self.sql = sql }

    /// Binds `value` and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Binds `value`, or NULL, and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Binds bytes as `bytea` (an array of bytes would otherwise travel as `char[]`).
    mutating func bind(bytes: [UInt8]) -> String { bind(ByteBuffer(bytes: bytes)) }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

extension PostgresRandomAccessRow {
    /// Column `index` as `T` (an optional type for nullable columns).
    func get<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try self[index].decode(T.self)
    }

    /// A `bytea` column as bytes.
    func bytes(_ index: Int) throws -> [UInt8] {
        let buffer = try self[index].decode(ByteBuffer.self)
        return Array(buffer.readableBytesView)
    }
}
