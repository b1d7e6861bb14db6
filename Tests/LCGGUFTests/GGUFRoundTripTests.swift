import Foundation
import Testing
import LCGGUF
import LCKernels

/// Writes GGUF images with every metadata type and several tensor types, reads them back, and checks that
/// every value, shape, offset and data byte is what was written.
@Suite struct GGUFRoundTripTests {
    /// Every scalar type at its extremes, strings of every kind, arrays of every type (empty ones too) and
    /// arrays nested three deep.
    static func everyType() -> [(String, TestValue)] {
        let scalars: [(String, TestValue)] = [
            ("t.u8.min", .u8(0)), ("t.u8.max", .u8(255)), ("t.i8.min", .i8(-128)), ("t.i8.max", .i8(127)),
            ("t.u16", .u16(65535)), ("t.i16", .i16(-32768)), ("t.u32", .u32(.max)), ("t.i32", .i32(.min)),
            ("t.f32", .f32(3.5)), ("t.f32.negzero", .f32(-0.0)), ("t.f32.inf", .f32(-.infinity)),
            ("t.f32.nan", .f32(Float(bitPattern: 0x7FC0_0001))), ("t.f32.tiny", .f32(.leastNonzeroMagnitude)),
            ("t.bool.true", .bool(true)), ("t.bool.false", .bool(false)),
            ("t.string", .string("hello")), ("t.string.empty", .string("")),
            ("t.string.unicode", .string("héllo 🌍 नमस्ते 你好")), ("t.string.nul", .string("a\u{0}b")),
            ("t.u64", .u64(.max)), ("t.i64", .i64(.min)), ("t.f64", .f64(.pi)), ("t.f64.big", .f64(1e300)),
        ]
        var arrays: [(String, TestValue)] = [
            ("a.u8", .array(.uint8, [.u8(0), .u8(7), .u8(255)])),
            ("a.i8", .array(.int8, [.i8(-1), .i8(0), .i8(127)])),
            ("a.u16", .array(.uint16, [.u16(1), .u16(65535)])),
            ("a.i16", .array(.int16, [.i16(-32768), .i16(5)])),
            ("a.u32", .array(.uint32, (0..<17).map { .u32(UInt32($0) &* 0x1000_0001) })),
            ("a.i32", .array(.int32, [.i32(.min), .i32(-1), .i32(.max)])),
            ("a.f32", .array(.float32, [.f32(1.5), .f32(-2.25), .f32(.infinity)])),
            ("a.bool", .array(.bool, [.bool(true), .bool(false), .bool(true)])),
            ("a.string", .array(.string, [.string("x"), .string(""), .string("ü🙂"), .string("<|im_start|>")])),
            ("a.u64", .array(.uint64, [.u64(0), .u64(1 << 62)])),
            ("a.i64", .array(.int64, [.i64(.min), .i64(.max)])),
            ("a.f64", .array(.float64, [.f64(-0.5), .f64(1e-300)])),
            ("a.nested", .array(.array, [
                .array(.uint32, [.u32(1), .u32(2)]),
                .array(.string, [.string("deep")]),
                .array(.array, [.array(.int8, [.i8(-3)]), .array(.float64, [])]),
                .array(.bool, []),
            ])),
            ("a.nested.empty", .array(.array, [])),
        ]
        for t in [GGUFValueType.uint8, .int8, .uint16, .int16, .uint32, .int32, .float32, .bool, .string, .uint64,
                  .int64, .float64] {
            arrays.append(("a.empty.\(t)", .array(t, [])))
        }
        return scalars + arrays
    }

    static func tensors() -> [TestTensor] {
        [
            TestTensor("t.f32", [4, 3], .f32), TestTensor("t.f16", [8], .f16), TestTensor("t.bf16", [2, 2, 2], .bf16),
            TestTensor("t.q4_0", [64, 2], .q4_0), TestTensor("t.q4_1", [32, 3, 1, 2], .q4_1),
            TestTensor("t.q8_0", [32], .q8_0), TestTensor("t.q6_K", [256, 1], .q6_K), TestTensor("t.i8", [5], .i8),
        ]
    }

    static func build(version: UInt32, alignment: Int?) -> GGUFTestWriter {
        var w = GGUFTestWriter(version: version)
        w.add("general.architecture", .string("llama"))
        if let alignment { w.setAlignment(alignment) }
        for (k, v) in everyType() { w.add(k, v) }
        w.tensors = tensors()
        return w
    }

    @Test(arguments: [(UInt32(2), Int?.none), (3, nil), (3, 1), (2, 8), (3, 64), (3, 4096)])
    func roundTrip(version: UInt32, alignment: Int?) throws {
        let w = Self.build(version: version, alignment: alignment)
        let bytes = w.build()
        let f = try GGUFFile(bytes: bytes)
        try Self.check(f, against: w, bytes: bytes)
    }

    @Test func roundTripThroughAFile() throws {
        let w = Self.build(version: 3, alignment: 64)
        let bytes = w.build()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lc-roundtrip-\(getpid()).gguf")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let f = try GGUFFile(path: url.path)
        #expect(f.path == url.path)
        #expect(f.fileSize == bytes.count)
        try Self.check(f, against: w, bytes: bytes)
    }

    /// The alignment key may be any integer type; the layout follows it.
    @Test func alignmentAsOtherIntegerTypes() throws {
        for value: TestValue in [.u8(16), .u64(128), .i32(8)] {
            var w = GGUFTestWriter()
            w.add("general.alignment", value)
            w.layoutAlignment = value.intForTests!
            w.tensors = [TestTensor("a", [3], .f32), TestTensor("b", [5], .f16)]
            let f = try GGUFFile(bytes: w.build())
            #expect(f.alignment == value.intForTests)
            #expect(f.tensors.allSatisfy { $0.fileOffset % f.alignment == 0 })
        }
    }

    /// A file with no tensors and no metadata is valid and exactly 24 bytes.
    @Test func emptyButValid() throws {
        let bytes = GGUFTestWriter().build()
        #expect(bytes.count == 24)
        let f = try GGUFFile(bytes: bytes)
        #expect(f.metadata.isEmpty && f.tensors.isEmpty && f.alignment == 32)
    }

    static func check(_ f: GGUFFile, against w: GGUFTestWriter, bytes: [UInt8]) throws {
        #expect(f.version == w.version)
        #expect(f.metadataKeys == w.metadata.map { String(decoding: $0.key, as: UTF8.self) })
        #expect(f.alignment == w.layoutAlignment)
        #expect(f.dataOffset % f.alignment == 0)
        for (keyBytes, expected) in w.metadata {
            let key = String(decoding: keyBytes, as: UTF8.self)
            let got = try #require(f.metadata[key], "missing \(key)")
            #expect(try same(got, expected), "value of \(key)")
            try checkTypedAccessors(f, key: key, expected: expected)
        }
        #expect(f.tensors.count == w.tensors.count)
        for (t, (written, offset)) in zip(f.tensors, zip(w.tensors, w.tensorOffsets())) {
            #expect(Array(t.name.utf8) == written.name)
            #expect(t.shape == written.dims.map { Int($0) })
            #expect(t.type.rawValue == written.typeID)
            #expect(t.byteCount == written.data.count)
            #expect(t.fileOffset == f.dataOffset + Int(offset))
            #expect(t.fileOffset % f.alignment == 0)
            #expect(f.tensor(named: t.name) == t)
            let data = Array(UnsafeRawBufferPointer(start: f.data(of: t), count: t.byteCount))
            #expect(data == written.data, "data of \(t.name)")
            #expect(Array(bytes[t.fileOffset..<(t.fileOffset + t.byteCount)]) == written.data)
        }
        #expect(f.tensor(named: "no.such.tensor") == nil)
    }

    /// The typed getters agree with the generic value.
    static func checkTypedAccessors(_ f: GGUFFile, key: String, expected: TestValue) throws {
        switch expected {
        case let .string(s): #expect(try f.string(key) == s)
        case .bool: #expect(throws: GGUFError.self) { try f.integer(key) }
        case let .f32(v) where !v.isNaN: #expect(try f.float(key) == v)
        case let .array(type, elements):
            let a = try f.array(key)
            #expect(a.elementType == type && a.count == elements.count)
            switch type {
            case .string: #expect(try a.strings() == elements.map { if case let .string(s) = $0 { s } else { "?" } })
            case .uint8, .int8, .uint16, .int16, .uint32, .int32, .int64, .uint64:
                #expect(try a.integers() == elements.map { $0.intForTests! })
                #expect(try a.floats() == elements.map { Float($0.intForTests!) })
                #expect(throws: GGUFError.self) { try a.strings() }
            case .float32, .float64:
                #expect(try a.floats().map(\.bitPattern) == elements.map { $0.floatForTests!.bitPattern })
                #expect(throws: GGUFError.self) { try a.integers() }
            default:
                #expect(throws: GGUFError.self) { try a.integers() }
            }
        default:
            if let i = expected.intForTests {
                #expect(try f.integer(key) == i)
                #expect(throws: GGUFError.self) { try f.string(key) }
            }
        }
    }

    /// Deep equality between what the reader returns and what was written; floats by bit pattern.
    static func same(_ v: GGUFValue, _ t: TestValue) throws -> Bool {
        switch (v, t) {
        case let (.uint8(a), .u8(b)): return a == b
        case let (.int8(a), .i8(b)): return a == b
        case let (.uint16(a), .u16(b)): return a == b
        case let (.int16(a), .i16(b)): return a == b
        case let (.uint32(a), .u32(b)): return a == b
        case let (.int32(a), .i32(b)): return a == b
        case let (.uint64(a), .u64(b)): return a == b
        case let (.int64(a), .i64(b)): return a == b
        case let (.float32(a), .f32(b)): return a.bitPattern == b.bitPattern
        case let (.float64(a), .f64(b)): return a.bitPattern == b.bitPattern
        case let (.bool(a), .bool(b)): return a == b
        case let (.string(a), .string(b)): return a == b && a.utf8.elementsEqual(b.utf8)
        case let (.array(a), .array(type, elements)):
            guard a.elementType == type, a.count == elements.count else { return false }
            let values = try a.values()
            guard values.count == elements.count else { return false }
            for (x, y) in zip(values, elements) where try !same(x, y) { return false }
            return true
        default: return false
        }
    }
}

extension TestValue {
    var intForTests: Int? {
        switch self {
        case let .u8(v): return Int(v)
        case let .i8(v): return Int(v)
        case let .u16(v): return Int(v)
        case let .i16(v): return Int(v)
        case let .u32(v): return Int(v)
        case let .i32(v): return Int(v)
        case let .u64(v): return Int(exactly: v)
        case let .i64(v): return Int(v)
        default: return nil
        }
    }

    var floatForTests: Float? {
        switch self {
        case let .f32(v): return v
        case let .f64(v): return Float(v)
        default: return nil
        }
    }
}
