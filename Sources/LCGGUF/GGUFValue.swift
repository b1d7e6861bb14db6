/// GGUF metadata value type ids, as stored in the file (`enum gguf_type`).
public enum GGUFValueType: UInt32, Sendable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Size in bytes of one value of a fixed-size type; nil for strings and arrays.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    /// The type's name as GGUF documents it (`uint8`, `string`, `array`, ...).
    public var description: String {
        switch self {
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .uint16: return "uint16"
        case .int16: return "int16"
        case .uint32: return "uint32"
        case .int32: return "int32"
        case .float32: return "float32"
        case .bool: return "bool"
        case .string: return "string"
        case .array: return "array"
        case .uint64: return "uint64"
        case .int64: return "int64"
        case .float64: return "float64"
        }
    }
}

/// One metadata value. Arrays are kept as views into the mapped file and decoded on demand, so a
/// 49,152-entry vocabulary costs nothing until the tokenizer asks for it.
public enum GGUFValue: Sendable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), array(GGUFArray)
    case uint64(UInt64), int64(Int64), float64(Double)

    /// The value's GGUF type.
    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        case .uint64: return .uint64
        case .int64: return .int64
        case .float64: return .float64
        }
    }

    /// The value as an integer when it is any integer type (bool excluded), nil otherwise.
    public var intValue: Int? {
        switch self {
        case let .uint8(v): return Int(v)
        case let .int8(v): return Int(v)
        case let .uint16(v): return Int(v)
        case let .int16(v): return Int(v)
        case let .uint32(v): return Int(v)
        case let .int32(v): return Int(v)
        case let .uint64(v): return v <= UInt64(Int.max) ? Int(v) : nil
        case let .int64(v): return Int(v)
        default: return nil
        }
    }

    /// The value as a Double when it is a float or integer type.
    public var doubleValue: Double? {
        switch self {
        case let .float32(v): return Double(v)
        case let .float64(v): return v
        default: return intValue.map(Double.init)
        }
    }

    /// The string, when the value is a string.
    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The bool, when the value is a bool.
    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    /// The array, when the value is an array.
    public var arrayValue: GGUFArray? {
        if case let .array(a) = self { return a }
        return nil
    }

    /// A short human-readable rendering (arrays summarised, long strings cut).
    public var summary: String {
        switch self {
        case let .string(s): return s.count > 60 ? "\"\(s.prefix(57))...\"" : "\"\(s)\""
        case let .array(a): return "[\(a.elementType); \(a.count)]"
        case let .bool(b): return b ? "true" : "false"
        case let .float32(f): return "\(f)"
        case let .float64(f): return "\(f)"
        default: return intValue.map { "\($0)" } ?? "?"
        }
    }
}

/// A metadata array: element type, count, and where its elements start inside the mapped file.
/// Elements are decoded on request; the bounds were checked when the file was opened.
public struct GGUFArray: Sendable {
    /// Type of each element (may itself be `.array` for nested arrays).
    public let elementType: GGUFValueType
    /// Number of elements.
    public let count: Int
    let mapping: GGUFMapping
    let offset: Int
    let key: String

    /// All elements as strings; throws `typeMismatch` when the elements are not strings.
    public func strings() throws -> [String] {
        guard elementType == .string else { throw mismatch("array of string") }
        var cursor = GGUFCursor(mapping: mapping, offset: offset)
        var out: [String] = []
        out.reserveCapacity(count)
        for i in 0..<count { out.append(try cursor.readString(what: "\(key)[\(i)]")) }
        return out
    }

    /// All elements as Ints (any integer element type); throws otherwise.
    public func integers() throws -> [Int] {
        var cursor = GGUFCursor(mapping: mapping, offset: offset)
        var out: [Int] = []
        out.reserveCapacity(count)
        switch elementType {
        case .uint8: for _ in 0..<count { out.append(Int(try cursor.read(UInt8.self, what: key))) }
        case .int8: for _ in 0..<count { out.append(Int(try cursor.read(Int8.self, what: key))) }
        case .uint16: for _ in 0..<count { out.append(Int(try cursor.read(UInt16.self, what: key))) }
        case .int16: for _ in 0..<count { out.append(Int(try cursor.read(Int16.self, what: key))) }
        case .uint32: for _ in 0..<count { out.append(Int(try cursor.read(UInt32.self, what: key))) }
        case .int32: for _ in 0..<count { out.append(Int(try cursor.read(Int32.self, what: key))) }
        case .int64: for _ in 0..<count { out.append(Int(try cursor.read(Int64.self, what: key))) }
        case .uint64:
            for _ in 0..<count {
                let v = try cursor.read(UInt64.self, what: key)
                guard v <= UInt64(Int.max) else { throw mismatch("array of integers that fit in Int") }
                out.append(Int(v))
            }
        default: throw mismatch("array of integers")
        }
        return out
    }

    /// All elements as Floats (float32, float64 or integer elements); throws otherwise.
    public func floats() throws -> [Float] {
        switch elementType {
        case .float32:
            var cursor = GGUFCursor(mapping: mapping, offset: offset)
            var out: [Float] = []
            out.reserveCapacity(count)
            for _ in 0..<count { out.append(try cursor.read(Float.self, what: key)) }
            return out
        case .float64:
            var cursor = GGUFCursor(mapping: mapping, offset: offset)
            var out: [Float] = []
            out.reserveCapacity(count)
            for _ in 0..<count { out.append(Float(try cursor.read(Double.self, what: key))) }
            return out
        default:
            do { return try integers().map(Float.init) } catch { throw mismatch("array of numbers") }
        }
    }

    /// All elements as generic values (works for every element type, including nested arrays).
    public func values() throws -> [GGUFValue] {
        var cursor = GGUFCursor(mapping: mapping, offset: offset)
        var out: [GGUFValue] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            out.append(try cursor.readValue(type: elementType, key: "\(key)[\(i)]", depth: 1))
        }
        return out
    }

    private func mismatch(_ expected: String) -> GGUFError {
        .typeMismatch(key: key, expected: expected, found: "array of \(elementType)")
    }
}
