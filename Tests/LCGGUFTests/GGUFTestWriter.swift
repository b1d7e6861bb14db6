import Foundation
import LCGGUF
import LCKernels

/// A metadata value as the tests write it: the GGUF wire type is explicit, so every form (including
/// empty and nested arrays, invalid UTF-8 and unknown type ids) can be produced on purpose.
indirect enum TestValue {
    case u8(UInt8), i8(Int8), u16(UInt16), i16(Int16), u32(UInt32), i32(Int32), f32(Float), bool(Bool)
    case string(String)
    /// A string whose bytes are written as given (for invalid UTF-8).
    case rawString([UInt8])
    /// An array: element type id and elements (each element must be of that type).
    case array(GGUFValueType, [TestValue])
    case u64(UInt64), i64(Int64), f64(Double)
    /// A value with any type id and any payload (for unknown type ids and hand-made encodings).
    case raw(typeID: UInt32, payload: [UInt8])

    /// The type id written before the value.
    var typeID: UInt32 {
        switch self {
        case .u8: return GGUFValueType.uint8.rawValue
        case .i8: return GGUFValueType.int8.rawValue
        case .u16: return GGUFValueType.uint16.rawValue
        case .i16: return GGUFValueType.int16.rawValue
        case .u32: return GGUFValueType.uint32.rawValue
        case .i32: return GGUFValueType.int32.rawValue
        case .f32: return GGUFValueType.float32.rawValue
        case .bool: return GGUFValueType.bool.rawValue
        case .string, .rawString: return GGUFValueType.string.rawValue
        case .array: return GGUFValueType.array.rawValue
        case .u64: return GGUFValueType.uint64.rawValue
        case .i64: return GGUFValueType.int64.rawValue
        case .f64: return GGUFValueType.float64.rawValue
        case let .raw(id, _): return id
        }
    }
}

/// One tensor to write. `data` defaults to deterministic bytes of the size the type and shape need;
/// `offset` (relative to the data section) defaults to the next aligned position.
struct TestTensor {
    var name: [UInt8]
    var dims: [UInt64]
    var typeID: UInt32
    var data: [UInt8]
    var offset: UInt64?

    init(_ name: String, _ dims: [UInt64], _ type: GGMLType, offset: UInt64? = nil) {
        self.name = Array(name.utf8)
        self.dims = dims
        self.typeID = type.rawValue
        let elements = dims.reduce(1) { $0 * Int($1) }
        let size = type.byteCount(elements: elements) ?? 0
        // Bytes that differ per tensor and per position, so a wrong offset shows up as wrong data.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a of the name: deterministic across runs
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        self.data = (0..<size).map { i in UInt8(truncatingIfNeeded: (h &+ UInt64(i) &* 0x2545_F491) >> 7) }
        self.offset = offset
    }

    /// A tensor with a hand-set type id, shape and data (for malformed files).
    init(rawName: [UInt8], dims: [UInt64], typeID: UInt32, data: [UInt8], offset: UInt64? = nil) {
        self.name = rawName
        self.dims = dims
        self.typeID = typeID
        self.data = data
        self.offset = offset
    }
}

/// Builds GGUF v2/v3 images in memory, laid out as llama.cpp writes them: header, metadata, tensor
/// directory, padding to the alignment, then each tensor's data at an aligned offset. No padding follows
/// the last tensor, so every strict prefix of a written file is invalid (the truncation test needs that).
struct GGUFTestWriter {
    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var metadata: [(key: [UInt8], value: TestValue)] = []
    var tensors: [TestTensor] = []
    /// Alignment used for the layout. Setting `general.alignment` in the metadata is the caller's choice,
    /// so files whose key and layout disagree can be written too.
    var layoutAlignment = 32
    /// Overrides for the header counts (nil: the real counts).
    var tensorCountOverride: UInt64?
    var kvCountOverride: UInt64?

    init(version: UInt32 = 3) { self.version = version }

    mutating func add(_ key: String, _ value: TestValue) { metadata.append((Array(key.utf8), value)) }

    /// Sets `general.alignment` (as a uint32) and the layout alignment together.
    mutating func setAlignment(_ a: Int) {
        add("general.alignment", .u32(UInt32(a)))
        layoutAlignment = a
    }

    /// The image's bytes.
    func build() -> [UInt8] {
        var out: [UInt8] = []
        out += magic
        out.appendLE(version)
        out.appendLE(tensorCountOverride ?? UInt64(tensors.count))
        out.appendLE(kvCountOverride ?? UInt64(metadata.count))
        for (key, value) in metadata {
            out.appendLE(UInt64(key.count))
            out += key
            out.appendLE(value.typeID)
            Self.writePayload(value, into: &out)
        }
        let offsets = tensorOffsets()
        for (t, off) in zip(tensors, offsets) {
            out.appendLE(UInt64(t.name.count))
            out += t.name
            out.appendLE(UInt32(t.dims.count))
            for d in t.dims { out.appendLE(d) }
            out.appendLE(t.typeID)
            out.appendLE(off)
        }
        guard !tensors.isEmpty else { return out }
        Self.pad(&out, to: layoutAlignment)
        let dataStart = out.count
        for (t, off) in zip(tensors, offsets) where off <= 1 << 24 {  // hand-set absurd offsets get no data
            let at = dataStart + Int(off)
            if out.count < at { out += [UInt8](repeating: 0, count: at - out.count) }
            if out.count < at + t.data.count { out += [UInt8](repeating: 0, count: at + t.data.count - out.count) }
            out.replaceSubrange(at..<(at + t.data.count), with: t.data)
        }
        return out
    }

    /// The offset written for each tensor: its override, or the next aligned position.
    func tensorOffsets() -> [UInt64] {
        var next: UInt64 = 0
        var result: [UInt64] = []
        for t in tensors {
            if let o = t.offset {
                result.append(o)
            } else {
                result.append(next)
                next += UInt64(t.data.count)
                next = (next + UInt64(layoutAlignment) - 1) / UInt64(layoutAlignment) * UInt64(layoutAlignment)
            }
        }
        return result
    }

    static func writePayload(_ value: TestValue, into out: inout [UInt8]) {
        switch value {
        case let .u8(v): out.appendLE(v)
        case let .i8(v): out.appendLE(v)
        case let .u16(v): out.appendLE(v)
        case let .i16(v): out.appendLE(v)
        case let .u32(v): out.appendLE(v)
        case let .i32(v): out.appendLE(v)
        case let .f32(v): out.appendLE(v.bitPattern)
        case let .bool(v): out.append(v ? 1 : 0)
        case let .string(s): out.appendLE(UInt64(s.utf8.count)); out += Array(s.utf8)
        case let .rawString(b): out.appendLE(UInt64(b.count)); out += b
        case let .u64(v): out.appendLE(v)
        case let .i64(v): out.appendLE(v)
        case let .f64(v): out.appendLE(v.bitPattern)
        case let .raw(_, payload): out += payload
        case let .array(type, elements):
            out.appendLE(type.rawValue)
            out.appendLE(UInt64(elements.count))
            for e in elements { writePayload(e, into: &out) }
        }
    }

    static func pad(_ out: inout [UInt8], to alignment: Int) {
        let rem = out.count % alignment
        if rem != 0 { out += [UInt8](repeating: 0, count: alignment - rem) }
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }

    /// Overwrites `width` bytes at `offset` with `value` little-endian (truncated to the width).
    mutating func patchLE(at offset: Int, width: Int, value: UInt64) {
        for k in 0..<width where offset + k < count {
            self[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))
        }
    }
}

/// A small file with a bit of everything, used as the base of the malformed suite and the fuzzer.
enum SampleFiles {
    static func small(version: UInt32 = 3) -> GGUFTestWriter {
        var w = GGUFTestWriter(version: version)
        w.add("general.architecture", .string("llama"))
        w.add("general.name", .string("tiny"))
        w.add("llama.block_count", .u32(2))
        w.add("llama.rope.freq_base", .f32(10000))
        w.add("tokenizer.ggml.tokens", .array(.string, [.string("a"), .string("é"), .string("<s>")]))
        w.add("tokenizer.ggml.scores", .array(.float32, [.f32(0), .f32(-1), .f32(-2)]))
        w.add("nested", .array(.array, [.array(.uint8, [.u8(1), .u8(2)]), .array(.string, [.string("x")])]))
        w.add("flag", .bool(true))
        w.tensors.append(TestTensor("token_embd.weight", [32, 3], .q8_0))
        w.tensors.append(TestTensor("blk.0.attn_norm.weight", [8], .f32))
        w.tensors.append(TestTensor("blk.0.ffn_up.weight", [32, 2], .q4_1))
        return w
    }
}
