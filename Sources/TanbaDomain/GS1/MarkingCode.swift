import TanbaErrors

/// A marking code (a GS1 DataMatrix on a consumer unit or group package): GTIN, serial and the optional
/// elements, in the order they were encoded.
///
/// Equality is by elements: two codes are the same unit when their `identification` is equal, whatever tails
/// they carry, so compare `identification` to find a unit and whole codes to check a tail.
public struct MarkingCode: Hashable, Sendable, CustomStringConvertible {
    /// The elements, in encoded order.
    public let elements: [GS1Element]
    /// AI (01), as GTIN-14.
    public let gtin: GTIN
    /// AI (21).
    public let serial: String

    /// Parses a marking code in any form `GS1` accepts (raw with GS, behind a symbology identifier or FNC1,
    /// bracketed, or the `01…21…` identification form).
    /// - Throws: `TanbaError` with the first problem: the codes of `GS1.parse(_:)`, and `GS1_MISSING_AI` when
    ///   (01) or (21) is absent.
    public static func parse(_ text: String) throws -> MarkingCode { try MarkingCode(GS1.parse(text)) }

    /// A marking code of parsed elements.
    /// - Throws: `GS1_MISSING_AI` when (01) or (21) is absent.
    init(_ elements: [GS1Element]) throws {
        func value(of ai: GS1ApplicationIdentifier) throws -> String {
            guard let element = elements.first(where: { $0.ai == ai }) else {
                throw TanbaError(
                    .gs1MissingAI, "a marking code needs AI (01) GTIN and AI (21) serial; AI (\(ai.code)) is missing")
            }
            return element.value
        }
        self.init(elements: elements, gtin: GTIN(trusted: try value(of: .gtin)), serial: try value(of: .serial))
    }

    /// The same as `MarkingCode.parse(text)`.
    public init(_ text: String) throws { self = try MarkingCode.parse(text) }

    private init(elements: [GS1Element], gtin: GTIN, serial: String) {
        self.elements = elements
        self.gtin = gtin
        self.serial = serial
    }

    /// The value of `ai`, if the code has it.
    public func value(of ai: GS1ApplicationIdentifier) -> String? { elements.first { $0.ai == ai }?.value }

    /// AI (10).
    public var batch: String? { value(of: .batch) }
    /// AI (17).
    public var expiry: GS1Date? { value(of: .expiry).flatMap { try? GS1Date($0) } }
    /// AI (11).
    public var productionDate: GS1Date? { value(of: .productionDate).flatMap { try? GS1Date($0) } }
    /// AI (91): the id of the key that made the verification code.
    public var keyID: String? { value(of: .verificationKeyID) }
    /// AI (92): the verification code.
    public var verificationCode: String? { value(of: .verificationCode) }
    /// AI (93): the short cryptographic tail.
    public var crypto93: String? { value(of: .crypto93) }
    /// AI (00), when a code carries one.
    public var sscc: SSCC? { value(of: .sscc).map(SSCC.init(trusted:)) }

    /// `01` + GTIN-14 + `21` + serial: the unit's identity, as documents carry it and the store keys codes by.
    public var identification: String {
        // Written byte by byte into one string of the final size: `"01" + gtin + "21" + serial` made three strings
        // on the way (1,800 instructions a code), and every line of a batch and every code of a document asks.
        var gtin = gtin.value
        var serial = serial
        return gtin.withUTF8 { gtin in
            serial.withUTF8 { serial in
                String(unsafeUninitializedCapacity: 4 + gtin.count + serial.count) { buffer in
                    buffer[0] = 0x30
                    buffer[1] = 0x31
                    var index = 2
                    for byte in gtin {
                        buffer[index] = byte
                        index += 1
                    }
                    buffer[index] = 0x32
                    buffer[index + 1] = 0x31
                    index += 2
                    for byte in serial {
                        buffer[index] = byte
                        index += 1
                    }
                    return index
                }
            }
        }
    }

    /// All elements with GS separators, no prefix (see `GS1.raw(_:)`).
    public var raw: String { GS1.raw(elements) }

    /// All elements in the human-readable form `(01)…(21)…` (see `GS1.bracketed(_:)`).
    public var bracketed: String { GS1.bracketed(elements) }

    /// The bracketed form: it has no control characters, so it is safe in logs and messages.
    public var description: String { bracketed }
}
