import LCKernels
#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in nanoseconds.
func nowNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// This thread's CPU time in nanoseconds: unlike wall time it excludes time the scheduler gave to other
/// processes, so single-thread kernel figures stay meaningful on a loaded machine.
func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Best-of-`batches` mean time per call in ns: each batch runs `body` until ~`batchNanos` have passed.
/// The minimum is the least disturbed figure on a shared, noisy machine.
func measure(batches: Int = 9, batchNanos: UInt64 = 10_000_000, clock: () -> UInt64 = nowNanoseconds,
             _ body: () -> Void) -> Double {
    body()  // warm up (page faults, caches, worker wake-up)
    var best = Double.infinity
    for _ in 0..<batches {
        let start = clock()
        var calls = 0
        var elapsed: UInt64 = 0
        repeat {
            body()
            calls += 1
            elapsed = clock() - start
        } while elapsed < batchNanos
        best = min(best, Double(elapsed) / Double(calls))
    }
    return best
}

/// A set of `copies` identical-shape weight matrices filled with valid random blocks; cycling through them
/// makes each product stream its weights from DRAM ("cold"), as a decode step over a 96 MB model does.
final class MatrixRing {
    let type: GGMLType
    let rows: Int
    let cols: Int
    let copies: Int
    let rowBytes: Int
    private let storage: UnsafeMutableRawPointer
    private var next = 0

    init(type: GGMLType, rows: Int, cols: Int, minimumBytes: Int, seed: UInt64) {
        self.type = type
        self.rows = rows
        self.cols = cols
        rowBytes = type.byteCount(elements: cols)!
        let bytes = rowBytes * rows
        copies = max(1, (minimumBytes + bytes - 1) / bytes)
        storage = UnsafeMutableRawPointer.allocate(byteCount: bytes * copies, alignment: 64)
        fillRandomBlocks(storage, type: type, elements: rows * cols * copies, seed: seed)
    }

    deinit { storage.deallocate() }

    /// Bytes of one matrix.
    var matrixBytes: Int { rowBytes * rows }

    func matrix(_ i: Int) -> WeightMatrix {
        WeightMatrix(type: type, rows: rows, cols: cols, data: UnsafeRawPointer(storage + (i % copies) * matrixBytes))
    }

    /// The next copy in the ring.
    func nextMatrix() -> WeightMatrix {
        next = (next + 1) % copies
        return matrix(next)
    }
}

/// Random bytes with sane half-precision scales (so no NaN/inf reaches the float accumulators).
func fillRandomBlocks(_ p: UnsafeMutableRawPointer, type: GGMLType, elements: Int, seed: UInt64) {
    var s = seed | 1
    let total = type.byteCount(elements: elements)!
    let words = p.bindMemory(to: UInt64.self, capacity: total / 8)
    for i in 0..<(total / 8) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17
        words[i] = s
    }
    let half: (Float) -> UInt16 = { HalfFloat.fromFloat($0) }
    let bytes = UnsafeMutableRawPointer(words)
    switch type {
    case .q4_0, .q8_0:
        let bs = type.typeSize
        for b in 0..<(elements / 32) { bytes.storeBytes(of: half(0.01 + Float(b % 7) * 0.001), toByteOffset: b * bs, as: UInt16.self) }
    case .q4_1:
        for b in 0..<(elements / 32) {
            bytes.storeBytes(of: half(0.01), toByteOffset: b * 20, as: UInt16.self)
            bytes.storeBytes(of: half(-0.08), toByteOffset: b * 20 + 2, as: UInt16.self)
        }
    case .f16:
        for i in 0..<elements { bytes.storeBytes(of: half(Float(i % 97) * 0.01 - 0.5), toByteOffset: 2 * i, as: UInt16.self) }
    case .bf16:
        for i in 0..<elements { bytes.storeBytes(of: HalfFloat.floatToBF16(Float(i % 97) * 0.01 - 0.5), toByteOffset: 2 * i, as: UInt16.self) }
    case .f32:
        for i in 0..<elements { bytes.storeBytes(of: Float(i % 97) * 0.01 - 0.5, toByteOffset: 4 * i, as: Float.self) }
    default:
        break
    }
}

/// Left-pads or right-pads `s` to `width`.
func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return right ? s + fill : fill + s
}

func fixed(_ v: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let r = (v * scale).rounded() / scale
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") {
        let have = s.distance(from: dot, to: s.endIndex) - 1
        if have < decimals { s += String(repeating: "0", count: decimals - have) }
        if decimals == 0 { s = String(s[..<dot]) }
    }
    return s
}
