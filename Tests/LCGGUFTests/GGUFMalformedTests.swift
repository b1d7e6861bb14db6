import Foundation
import Testing
import LCGGUF
import LCKernels

/// Parses `bytes` and returns the GGUFError it throws (recording an issue when it throws anything else or
/// nothing at all).
func parseError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> GGUFError? {
    do {
        _ = try GGUFFile(bytes: bytes)
        Issue.record("parsed without error", sourceLocation: sourceLocation)
    } catch let e as GGUFError {
        return e
    } catch {
        Issue.record("threw a non-GGUF error: \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Every way a GGUF file can be wrong gets its own `GGUFError` case, and the message names the key or
/// tensor at fault.
@Suite struct GGUFMalformedTests {
    let base = SampleFiles.small()

    func patched(_ kind: GGUFLayout.Kind, owner: String? = nil, _ value: UInt64,
                 in w: GGUFTestWriter? = nil) throws -> [UInt8] {
        var bytes = (w ?? base).build()
        let layout = try #require(GGUFLayout.scan(bytes))
        let f = try #require(layout.field(kind, owner: owner), "no \(kind) field for \(owner ?? "any")")
        bytes.patchLE(at: f.offset, width: f.width, value: value)
        return bytes
    }

    func expectNames(_ e: GGUFError?, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(e?.errorDescription?.contains(name) == true, "\(String(describing: e)) should name \(name)",
                sourceLocation: sourceLocation)
    }

    @Test func sampleIsValid() throws {
        let f = try GGUFFile(bytes: base.build())
        #expect(f.tensors.count == 3 && f.metadata.count == 8)
    }

    // MARK: Header

    @Test func truncatedHeader() {
        #expect(parseError(Array("GGU".utf8)) == .tooSmall(path: "<memory>", size: 3))
        var b = Array("GGUF".utf8)
        b.appendLE(UInt32(3))
        b.appendLE(UInt32(0))
        #expect(parseError(b) == .truncated(what: "the header"))
    }

    /// Cut a small valid file at every byte: each prefix is rejected with a GGUFError, never a crash.
    @Test func truncatedAtEveryOffset() throws {
        let bytes = base.build()
        let layout = try #require(GGUFLayout.scan(bytes))
        for n in 0..<bytes.count {
            let e = parseError(Array(bytes[0..<n]))
            switch e {
            case .tooSmall: #expect(n < 4)
            case .truncated: #expect(n < layout.directoryEnd, "cut at \(n)")
            case .tensorOutOfBounds: #expect(n >= layout.directoryEnd, "cut at \(n)")
            default: Issue.record("cut at \(n): unexpected \(String(describing: e))")
            }
        }
    }

    @Test func badMagic() {
        var b = base.build()
        b[0] = UInt8(ascii: "X")
        #expect(parseError(b) == .badMagic(path: "<memory>"))
        #expect(parseError(Array("not a model at all, just some text\n".utf8)) == .badMagic(path: "<memory>"))
    }

    @Test(arguments: [UInt32(0), 1, 4, 0x0300_0000])
    func unsupportedVersion(_ v: UInt32) throws {
        #expect(parseError(try patched(.version, UInt64(v))) == .unsupportedVersion(v))
    }

    @Test func absurdCounts() throws {
        #expect(parseError(try patched(.tensorCount, 1 << 21))
                == .limitExceeded(what: "tensor count", value: 1 << 21, limit: GGUFFile.maxTensorCount))
        #expect(parseError(try patched(.kvCount, .max))
                == .limitExceeded(what: "metadata count", value: .max, limit: GGUFFile.maxMetadataCount))
        // Under the caps but more entries than the file has bytes for.
        #expect(parseError(try patched(.kvCount, 100_000)) == .truncated(what: "the metadata and tensor directory"))
        #expect(parseError(try patched(.tensorCount, 50_000)) == .truncated(what: "the metadata and tensor directory"))
        // One more metadata entry than written: the tensor directory is read as metadata and fails there.
        #expect(parseError(try patched(.kvCount, UInt64(base.metadata.count + 1))) != nil)
    }

    // MARK: Strings and arrays

    @Test func absurdStringLengths() throws {
        let e1 = parseError(try patched(.keyLength, owner: "general.name", .max))
        #expect(e1 == .limitExceeded(what: "length of metadata key #1", value: .max, limit: 1 << 26))
        let e2 = parseError(try patched(.keyLength, owner: "general.name", 1 << 25))
        #expect(e2 == .truncated(what: "metadata key #1"))
        let e3 = parseError(try patched(.stringLength, owner: "general.architecture", 1 << 40))
        #expect(e3 == .limitExceeded(what: "length of general.architecture", value: 1 << 40, limit: 1 << 26))
        expectNames(e3, "general.architecture")
        let e4 = parseError(try patched(.tensorNameLength, owner: "blk.0.attn_norm.weight", 1 << 20))
        #expect(e4 == .truncated(what: "the name of tensor #1"))
    }

    @Test func absurdArrayLengths() throws {
        let e1 = parseError(try patched(.arrayCount, owner: "tokenizer.ggml.scores", 1 << 40))
        #expect(e1 == .limitExceeded(what: "length of array 'tokenizer.ggml.scores'", value: 1 << 40, limit: 1 << 28))
        expectNames(e1, "tokenizer.ggml.scores")
        let e2 = parseError(try patched(.arrayCount, owner: "tokenizer.ggml.scores", 1 << 20))
        #expect(e2 == .truncated(what: "array 'tokenizer.ggml.scores'"))
        let e3 = parseError(try patched(.arrayCount, owner: "tokenizer.ggml.tokens", 1 << 27))
        #expect(e3 == .truncated(what: "array 'tokenizer.ggml.tokens'"))
        let e4 = parseError(try patched(.arrayCount, owner: "nested", 1 << 27))
        #expect(e4 == .truncated(what: "array 'nested'"))
        // A string element whose length runs past the end.
        var w = GGUFTestWriter()
        w.add("list", .array(.string, [.string("ok"), .raw(typeID: 8, payload: [0xFF, 0xFF, 0, 0, 0, 0, 0, 0])]))
        #expect(parseError(w.build()) == .truncated(what: "element #1 of array 'list'"))
    }

    @Test func deeplyNestedArrays() throws {
        func nest(_ depth: Int) -> TestValue {
            depth == 1 ? .array(.uint8, [.u8(1)]) : .array(.array, [nest(depth - 1)])
        }
        var ok = GGUFTestWriter()
        ok.add("deep", nest(8))
        let f = try GGUFFile(bytes: ok.build())
        #expect(try f.array("deep").values().count == 1)
        var bad = GGUFTestWriter()
        bad.add("deep", nest(9))
        let e = parseError(bad.build())
        #expect(e == .limitExceeded(what: "array nesting of 'deep'", value: 9, limit: 8))
        expectNames(e, "deep")
        // A nesting bomb made of many empty arrays is bounded by the file size, not by the counts it claims.
        var bomb = GGUFTestWriter()
        bomb.add("bomb", .array(.array, Array(repeating: .array(.array, []), count: 1000)))
        #expect(try GGUFFile(bytes: bomb.build()).array("bomb").count == 1000)
    }

    // MARK: Types, duplicates, UTF-8

    @Test func unknownValueTypes() {
        var w = GGUFTestWriter()
        w.add("general.name", .string("x"))
        w.add("weird", .raw(typeID: 13, payload: [0, 0, 0, 0]))
        #expect(parseError(w.build()) == .unknownValueType(key: "weird", raw: 13))
        var a = GGUFTestWriter()
        a.add("weird.array", .raw(typeID: 9, payload: [99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
        let e = parseError(a.build())
        #expect(e == .unknownValueType(key: "weird.array", raw: 99))
        expectNames(e, "weird.array")
    }

    @Test func unknownTensorTypes() {
        for raw: UInt32 in [4, 5, 31, 1000, .max] {
            var w = base
            w.tensors.append(TestTensor(rawName: Array("odd.weight".utf8), dims: [32], typeID: raw, data: []))
            let e = parseError(w.build())
            #expect(e == .unknownTensorType(tensor: "odd.weight", raw: raw))
            expectNames(e, "odd.weight")
        }
    }

    @Test func duplicates() {
        var w = base
        w.add("general.name", .string("again"))
        #expect(parseError(w.build()) == .duplicateKey("general.name"))
        var t = base
        t.tensors.append(TestTensor("blk.0.attn_norm.weight", [8], .f32))
        let e = parseError(t.build())
        #expect(e == .duplicateTensor("blk.0.attn_norm.weight"))
        expectNames(e, "blk.0.attn_norm.weight")
    }

    @Test func invalidUTF8() {
        var k = base
        k.metadata.append((key: [0x66, 0x6F, 0xFF], value: .u8(1)))
        #expect(parseError(k.build()) == .invalidUTF8(what: "metadata key #8"))
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]] {
            var v = GGUFTestWriter()
            v.add("general.name", .rawString(Array("ok".utf8) + bad))
            #expect(parseError(v.build()) == .invalidUTF8(what: "general.name"), "bytes \(bad)")
            var a = GGUFTestWriter()
            a.add("tokenizer.ggml.tokens", .array(.string, [.string("a"), .rawString(bad)]))
            let e = parseError(a.build())
            #expect(e == .invalidUTF8(what: "element #1 of array 'tokenizer.ggml.tokens'"))
            expectNames(e, "tokenizer.ggml.tokens")
        }
        var t = GGUFTestWriter()
        t.tensors.append(TestTensor(rawName: [0xFE], dims: [1], typeID: 0, data: [0, 0, 0, 0]))
        #expect(parseError(t.build()) == .invalidUTF8(what: "the name of tensor #0"))
    }

    // MARK: Tensor directory

    @Test(arguments: [0, 5])
    func badRank(_ rank: Int) {
        var w = base
        w.tensors.append(TestTensor(rawName: Array("r.weight".utf8), dims: Array(repeating: 1, count: rank),
                                    typeID: 0, data: [0, 0, 0, 0]))
        let e = parseError(w.build())
        #expect(e == .limitExceeded(what: "rank of tensor 'r.weight'", value: UInt64(rank), limit: 4))
        expectNames(e, "r.weight")
    }

    @Test func badDimensions() {
        let cases: [([UInt64], GGMLType, String)] = [
            ([32, 0], .q8_0, "dimension 0 out of range"),
            ([1 << 40], .f32, "dimension 1099511627776 out of range"),
            ([UInt64.max], .f32, "dimension \(UInt64.max) out of range"),
            ([1 << 30, 1 << 30, 1 << 30], .f32, "element count overflows"),
            ([UInt64(Int32.max), UInt64(Int32.max), UInt64(Int32.max), UInt64(Int32.max)], .f32,
             "element count overflows"),
            ([33], .q4_1, "row length is not a multiple of the Q4_1 block size 32"),
            ([255, 1], .q6_K, "row length is not a multiple of the Q6_K block size 256"),
        ]
        for (dims, type, reason) in cases {
            var w = base
            w.tensors.append(TestTensor(rawName: Array("s.weight".utf8), dims: dims, typeID: type.rawValue, data: []))
            let e = parseError(w.build())
            #expect(e == .badShape(tensor: "s.weight", shape: dims, reason: reason))
            expectNames(e, "s.weight")
        }
    }

    @Test func tensorPastEndOfFile() throws {
        var w = base
        w.tensors.append(TestTensor("late.weight", [8], .f32, offset: 1 << 25))  // the writer puts no data there
        let bytes = w.build()
        let layout = try #require(GGUFLayout.scan(bytes))
        let dataOffset = (layout.directoryEnd + 31) / 32 * 32
        let e = parseError(bytes)
        #expect(e == .tensorOutOfBounds(tensor: "late.weight", end: UInt64(dataOffset + (1 << 25) + 32),
                                        fileSize: bytes.count))
        expectNames(e, "late.weight")
        // The last tensor one byte short.
        let full = base.build()
        let last = base.tensors.last!
        let cut = parseError(Array(full.dropLast()))
        #expect(cut == .tensorOutOfBounds(tensor: String(decoding: last.name, as: UTF8.self), end: UInt64(full.count),
                                          fileSize: full.count - 1))
    }

    @Test func offsetOverflow() {
        var w = base
        w.tensors.append(TestTensor("far.weight", [8], .f32, offset: UInt64.max - 31))
        let e = parseError(w.build())
        guard case let .tensorOutOfBounds(name, end, _) = e else {
            Issue.record("expected tensorOutOfBounds, got \(String(describing: e))"); return
        }
        #expect(name == "far.weight" && end == .max)
    }

    @Test func misalignedOffset() {
        var w = base
        w.tensors.append(TestTensor("odd.weight", [8], .f32, offset: 8))
        let e = parseError(w.build())
        #expect(e == .misalignedTensor(tensor: "odd.weight", offset: 8, alignment: 32))
        expectNames(e, "odd.weight")
    }

    @Test func badAlignmentValues() {
        let cases: [(TestValue, GGUFError)] = [
            (.u32(0), .badAlignment(0)), (.u32(3), .badAlignment(3)), (.u32(1 << 20), .badAlignment(1 << 20)),
            (.u32(96), .badAlignment(96)), (.i32(-32), .badAlignment(UInt64(bitPattern: -32))),
            (.u64(.max), .badAlignment(.max)),
            (.string("32"), .typeMismatch(key: "general.alignment", expected: "integer", found: "string")),
            (.bool(true), .typeMismatch(key: "general.alignment", expected: "integer", found: "bool")),
            (.f32(32), .typeMismatch(key: "general.alignment", expected: "integer", found: "float32")),
        ]
        for (value, expected) in cases {
            var w = base
            w.add("general.alignment", value)
            let e = parseError(w.build())
            #expect(e == expected)
            expectNames(e, "general.alignment")
        }
    }

    // MARK: Paths

    @Test func pathsThatAreNotGGUFFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lc-gguf-paths-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func openError(_ path: String) -> GGUFError? {
            do { _ = try GGUFFile(path: path); Issue.record("\(path) opened") } catch let e as GGUFError { return e } catch {
                Issue.record("non-GGUF error \(error)")
            }
            return nil
        }
        let missing = dir.appendingPathComponent("missing.gguf").path
        #expect(openError(missing) == .cannotOpen(path: missing, reason: "No such file or directory"))
        #expect(openError(dir.path) == .notARegularFile(path: dir.path))
        let empty = dir.appendingPathComponent("empty.gguf").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(openError(empty) == .tooSmall(path: empty, size: 0))
        let text = dir.appendingPathComponent("notes.txt").path
        _ = FileManager.default.createFile(atPath: text, contents: Data("hello, this is not a model\n".utf8))
        #expect(openError(text) == .badMagic(path: text))
        let tiny = dir.appendingPathComponent("tiny.bin").path
        _ = FileManager.default.createFile(atPath: tiny, contents: Data([1, 2]))
        #expect(openError(tiny) == .tooSmall(path: tiny, size: 2))
        // A FIFO must be rejected at once, not wait for a writer.
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(openError(fifo) == .notARegularFile(path: fifo))
        #expect(openError("/dev/null") == .notARegularFile(path: "/dev/null"))
        for e in [openError(missing), openError(dir.path), openError(empty), openError(text)] {
            #expect(e?.errorDescription?.contains(dir.path) == true)
        }
    }
}
