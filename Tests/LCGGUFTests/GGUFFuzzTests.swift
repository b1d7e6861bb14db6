import Foundation
import Testing
import LCGGUF
import LCKernels
import LCTestSupport

/// Mutation fuzzing of the GGUF reader: thousands of corrupted images, derived from synthetic files and
/// from the real model's header, must each parse or fail with a `GGUFError`: no crash, no hang, no other
/// error, and every tensor of a file that does parse lies inside it.
///
/// Bounded here (10,000 synthetic + 1,000 real-header + 200 through real files by default; a few seconds in
/// release). `Scripts/fuzz-gguf` runs it far longer. Environment:
/// - `LC_FUZZ_ITERATIONS` — synthetic cases (real-header cases are a tenth, file cases a fiftieth);
/// - `LC_FUZZ_SEED` — the run's seed (case i uses a generator derived from (seed, i), so a failure names
///   the seed and index that reproduce it; the image is also written to a temporary file).
@Suite struct GGUFFuzzTests {
    static let env = ProcessInfo.processInfo.environment
    static let iterations = env["LC_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 10_000
    static let seed = env["LC_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_6617
    /// A case that takes longer than this is reported as a hang (real parses take well under a millisecond).
    static let perCaseLimit: TimeInterval = 2

    static let syntheticBases: [FuzzBase] = {
        var bases: [FuzzBase] = []
        bases.append(FuzzBase(name: "small-v3", bytes: SampleFiles.small().build())!)
        bases.append(FuzzBase(name: "small-v2", bytes: SampleFiles.small(version: 2).build())!)
        bases.append(FuzzBase(name: "every-type", bytes: GGUFRoundTripTests.build(version: 3, alignment: 64).build())!)
        bases.append(FuzzBase(name: "every-type-align1", bytes: GGUFRoundTripTests.build(version: 2, alignment: 1).build())!)
        var many = GGUFTestWriter()
        many.setAlignment(16)
        for (i, t) in [GGMLType.f32, .f16, .q4_0, .q4_1, .q8_0, .q6_K, .q4_K, .bf16].enumerated() {
            many.tensors.append(TestTensor("blk.\(i).weight", [UInt64(t.blockSize), 2], t))
        }
        bases.append(FuzzBase(name: "many-tensors", bytes: many.build())!)
        return bases
    }()

    /// The real model's header region: as it is (its tensors then lie past the end, so it fails late, after
    /// the whole vocabulary has been walked), and made valid by giving every tensor a one-block shape at
    /// offset 0 followed by one block of data.
    static let realBases: [FuzzBase] = {
        let path = RealModelSmokeTests.path
        guard let f = try? GGUFFile(path: path), let h = FileHandle(forReadingAtPath: path),
              let head = try? h.read(upToCount: f.dataOffset + 4096) else { return [] }
        try? h.close()
        let raw = [UInt8](head)
        var shrunk = Array(raw[0..<f.dataOffset])
        guard let layout = GGUFLayout.scan(shrunk) else { return [] }
        for t in f.tensors {
            for (k, d) in layout.fields.filter({ $0.owner == t.name && $0.kind == .dimension }).enumerated() {
                shrunk.patchLE(at: d.offset, width: 8, value: k == 0 ? UInt64(t.type.blockSize) : 1)
            }
            if let o = layout.field(.tensorOffset, owner: t.name) { shrunk.patchLE(at: o.offset, width: 8, value: 0) }
        }
        shrunk += [UInt8](repeating: 0x3C, count: 512)
        return [FuzzBase(name: "real-header", bytes: raw), FuzzBase(name: "real-shrunk", bytes: shrunk)].compactMap { $0 }
    }()

    /// What happened to one case.
    enum Outcome { case parsed, rejected(GGUFError) }

    struct Tally {
        var parsed = 0, rejected = 0
        var kinds = Set<String>()
        var slowest: TimeInterval = 0
    }

    @Test func syntheticImages() throws {
        let tally = try Self.run(bases: Self.syntheticBases, donors: Self.syntheticBases, count: Self.iterations,
                                 seed: Self.seed, label: "synthetic")
        #expect(tally.parsed + tally.rejected == Self.iterations)
        // The mutations must reach deep: many distinct error cases, and some images still valid.
        #expect(tally.kinds.count >= 12, "error kinds seen: \(tally.kinds.sorted())")
        #expect(tally.parsed > Self.iterations / 100 && tally.rejected > Self.iterations / 2)
        print("GGUF fuzz synthetic: \(Self.iterations) cases, \(tally.parsed) parsed, \(tally.rejected) rejected, "
              + "\(tally.kinds.count) error kinds, slowest \(String(format: "%.2f", tally.slowest * 1000)) ms, seed \(Self.seed)")
    }

    @Test func realModelHeader() throws {
        let bases = Self.realBases
        try #require(bases.count == 2, "the real model is needed (Scripts/fetch-model)")
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: bases[0].bytes) }
        #expect(try GGUFFile(bytes: bases[1].bytes).tensors.count == 272)
        let n = max(1, Self.iterations / 10)
        let tally = try Self.run(bases: bases, donors: bases + Self.syntheticBases, count: n,
                                 seed: Self.seed ^ 0xA11CE, label: "real")
        #expect(tally.parsed + tally.rejected == n)
        #expect(tally.kinds.count >= 8, "error kinds seen: \(tally.kinds.sorted())")
        print("GGUF fuzz real header: \(n) cases, \(tally.parsed) parsed, \(tally.rejected) rejected, "
              + "slowest \(String(format: "%.2f", tally.slowest * 1000)) ms, seed \(Self.seed ^ 0xA11CE)")
    }

    /// Some cases through real files (mmap path): the outcome must match parsing the same bytes in memory.
    @Test func throughFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lc-fuzz-files-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("case.gguf").path
        let bases = Self.syntheticBases
        let n = max(1, Self.iterations / 50)
        for i in 0..<n {
            var rng = SplitMix64.forCase(seed: Self.seed ^ 0xF11E, index: i)
            let (bytes, ops) = GGUFMutator.mutate(bases[i % bases.count], donors: bases, rng: &rng)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let fromFile = Self.describe { try GGUFFile(path: path) }.replacingOccurrences(of: path, with: "<memory>")
            let fromMemory = Self.describe { try GGUFFile(bytes: bytes) }
            #expect(fromFile == fromMemory, "case \(i) \(ops)")
        }
    }

    static func describe(_ open: () throws -> GGUFFile) -> String {
        do {
            let f = try open()
            return "parsed \(f.metadata.count) keys, \(f.tensors.count) tensors"
        } catch {
            return "\(error)"
        }
    }

    /// Runs `count` cases, round-robin over `bases`; records an issue (with a reproducer) for each failure.
    static func run(bases: [FuzzBase], donors: [FuzzBase], count: Int, seed: UInt64, label: String) throws -> Tally {
        var tally = Tally()
        var failures = 0
        for i in 0..<count {
            var rng = SplitMix64.forCase(seed: seed, index: i)
            let base = bases[i % bases.count]
            let (bytes, ops) = GGUFMutator.mutate(base, donors: donors, rng: &rng)
            let start = Date()
            var problem: String?
            do {
                switch try check(bytes, deep: i % 16 == 0) {
                case .parsed: tally.parsed += 1
                case let .rejected(e):
                    tally.rejected += 1
                    tally.kinds.insert(String("\(e)".prefix { $0 != "(" }))
                    if e.errorDescription?.isEmpty != false { problem = "empty error message for \(e)" }
                }
            } catch {
                problem = "\(error)"
            }
            let elapsed = Date().timeIntervalSince(start)
            tally.slowest = max(tally.slowest, elapsed)
            if elapsed > perCaseLimit { problem = "took \(elapsed) s" }
            if let problem {
                failures += 1
                let file = FileManager.default.temporaryDirectory
                    .appendingPathComponent("lc-fuzz-\(label)-seed\(seed)-case\(i).gguf")
                try? Data(bytes).write(to: file)
                Issue.record("\(label) case \(i) (seed \(seed), base \(base.name), \(ops)): \(problem); image: \(file.path)")
                if failures >= 20 { break }
            }
        }
        return tally
    }

    /// Parses one image; for a parsed file, checks its tensors lie inside it and decodes its metadata
    /// (large arrays only when `deep`, to keep the bounded run quick). Throws only for a non-GGUF error
    /// or a broken invariant.
    static func check(_ bytes: [UInt8], deep: Bool) throws -> Outcome {
        let f: GGUFFile
        do { f = try GGUFFile(bytes: bytes) } catch let e as GGUFError { return .rejected(e) }
        for t in f.tensors {
            guard t.fileOffset >= f.dataOffset, t.fileOffset % f.alignment == 0, t.byteCount > 0,
                  t.fileOffset + t.byteCount <= bytes.count,
                  t.type.byteCount(elements: t.elementCount) == t.byteCount else {
                throw FuzzInvariant("tensor \(t.name) at \(t.fileOffset)+\(t.byteCount) escapes a \(bytes.count)-byte file")
            }
            let p = f.data(of: t)
            _ = p.load(as: UInt8.self) &+ p.load(fromByteOffset: t.byteCount - 1, as: UInt8.self)
        }
        for (key, value) in f.metadata {
            guard case let .array(a) = value, deep || a.count <= 4096 else { continue }
            // Decoding a parsed file's arrays may fail only with typeMismatch (wrong accessor), never otherwise.
            do { _ = try decodeAll(a) } catch let e as GGUFError {
                guard case .typeMismatch = e else { throw FuzzInvariant("decoding '\(key)' of a parsed file: \(e)") }
            }
        }
        return .parsed
    }

    static func decodeAll(_ a: GGUFArray) throws -> Int {
        switch a.elementType {
        case .string: return try a.strings().count
        case .float32, .float64: return try a.floats().count
        case .array: return try a.values().reduce(0) { n, v in try n + (v.arrayValue.map(decodeAll) ?? 1) }
        case .bool: return try a.values().count
        default: return try a.integers().count
        }
    }
}

struct FuzzInvariant: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
