// KernelBench: GB/s and ns per matrix-vector product for the model's real shapes, per kernel level and thread
// count, hot (weights cache-resident) and cold (weights streamed from DRAM, as in decode); then one decode
// step's worth of products over a 96 MB model. Usage: swift run -c release KernelBench [--quick]
import LCKernels

// Options: --quick (shorter batches), --threads 1,2 (thread counts), --levels avx512vbmi,avx512,avx2,scalar,
// --decode-only (only the decode step), --wall (wall time for 1-thread rows too),
// --split static,chunked (the 2-thread decode-step partitions to run).
let arguments = CommandLine.arguments
func option(_ name: String) -> [String]? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1].split(separator: ",").map(String.init)
}
let quick = arguments.contains("--quick")
let decodeOnly = arguments.contains("--decode-only")
let batchNanos: UInt64 = quick ? 5_000_000 : 10_000_000
let threadCounts = option("--threads")?.compactMap { Int($0) }.filter { $0 >= 1 } ?? [1, 2]
let levels = option("--levels")?.compactMap { KernelLevel(name: $0) }.filter { $0 <= KernelLevel.best }
    ?? Array(KernelLevel.available.reversed())
let coldBytes = 96 << 20  // more than L3 (32 MiB): every cold product reads its weights from DRAM

print("KernelBench — best level \(KernelLevel.best), physical cores \(CPUInfo.physicalCores), logical \(CPUInfo.logicalCores)")
print("figures: best-of-9 batch means; GB/s counts weight bytes only; 1-thread rows use this thread's CPU time")
print("(immune to other processes on a shared machine), 2-thread rows wall time (they need both cores free)\n")

/// The clock for a run on `threads` threads (see the note printed above).
func benchClock(threads: Int) -> () -> UInt64 {
    if threads == 1 && !arguments.contains("--wall") { return threadCPUNanoseconds }
    return nowNanoseconds
}

// Activations shared by all products (the widest input is 1536).
let xs = (0..<1536).map { Float(($0 * 37) % 101) * 0.02 - 1 }
let xq = QuantizedActivations(capacity: 1536)
let y = UnsafeMutablePointer<Float>.allocate(capacity: 49152)
let pools = Dictionary(uniqueKeysWithValues: threadCounts.map { ($0, ThreadPool(threads: $0)) })

struct Shape { let name: String; let type: GGMLType; let rows: Int; let cols: Int }
let shapes = [
    Shape(name: "attn q/o 576x576", type: .q4_1, rows: 576, cols: 576),
    Shape(name: "attn k/v 192x576", type: .q4_1, rows: 192, cols: 576),
    Shape(name: "ffn gate/up 1536x576", type: .q4_1, rows: 1536, cols: 576),
    Shape(name: "ffn down 576x1536", type: .q4_1, rows: 576, cols: 1536),
    Shape(name: "output 49152x576", type: .q8_0, rows: 49152, cols: 576),
    Shape(name: "Q4_0 1536x576", type: .q4_0, rows: 1536, cols: 576),
    Shape(name: "Q8_0 1536x576", type: .q8_0, rows: 1536, cols: 576),
    Shape(name: "F16 1536x576", type: .f16, rows: 1536, cols: 576),
    Shape(name: "BF16 1536x576", type: .bf16, rows: 1536, cols: 576),
    Shape(name: "F32 1536x576", type: .f32, rows: 1536, cols: 576),
]

if !decodeOnly {
    print(pad("shape", 22, right: true) + pad("type", 6) + pad("level", 8) + pad("thr", 4)
          + pad("hot ns", 11) + pad("hot GB/s", 10) + pad("cold ns", 11) + pad("cold GB/s", 10))
    xs.withUnsafeBufferPointer { xp in
        let x = xp.baseAddress!
        for shape in shapes {
            let ring = MatrixRing(type: shape.type, rows: shape.rows, cols: shape.cols, minimumBytes: coldBytes, seed: 0x5EED)
            xq.quantize(x, count: shape.cols)
            let hot = ring.matrix(0)
            for level in levels {
                for t in threadCounts {
                    let pool = pools[t]!
                    let hotNs = measure(batchNanos: batchNanos, clock: benchClock(threads: t)) { MatVec.multiply(hot, x: x, xq: xq, y: y, pool: pool, level: level) }
                    let coldNs = measure(batchNanos: batchNanos, clock: benchClock(threads: t)) {
                        MatVec.multiply(ring.nextMatrix(), x: x, xq: xq, y: y, pool: pool, level: level)
                    }
                    let gb = Double(ring.matrixBytes)
                    print(pad(shape.name, 22, right: true) + pad("\(shape.type)", 6) + pad("\(level)", 8) + pad("\(t)", 4)
                          + pad(fixed(hotNs, 0), 11) + pad(fixed(gb / hotNs, 1), 10)
                          + pad(fixed(coldNs, 0), 11) + pad(fixed(gb / coldNs, 1), 10))
                }
            }
            // The scalar Swift twin, for scale (1 thread, hot).
            if shape.type == .q4_1 && shape.rows == 1536 {
                let ns = measure(batches: 3, batchNanos: batchNanos, clock: threadCPUNanoseconds) { MatVec.referenceQuantized(hot, x: x, xq: xq, y: y, rows: 0..<hot.rows) }
                print(pad(shape.name, 22, right: true) + pad("\(shape.type)", 6) + pad("swift", 8) + pad("1", 4)
                      + pad(fixed(ns, 0), 11) + pad(fixed(Double(ring.matrixBytes) / ns, 1), 10) + "   (scalar Swift reference)")
            }
        }
    }

}

if !decodeOnly {
    // Small ops: activation quantizer, pool dispatch.
    print("")
    xs.withUnsafeBufferPointer { xp in
        for level in levels {
            let q576 = measure(batchNanos: batchNanos, clock: threadCPUNanoseconds) { xq.quantize(xp.baseAddress!, count: 576, level: level) }
            let q1536 = measure(batchNanos: batchNanos, clock: threadCPUNanoseconds) { xq.quantize(xp.baseAddress!, count: 1536, level: level) }
            print("quantize activations \(level): 576 -> \(fixed(q576, 0)) ns, 1536 -> \(fixed(q1536, 0)) ns")
        }
    }
    // Attention-shaped helpers: one 64-wide query against 512 cached keys (stride 192 = 3 KV heads), then the
    // probability-weighted sum of 512 cached values.
    do {
        let keys = (0..<(512 * 192)).map { Float($0 % 89) * 0.01 - 0.4 }
        let query = Array(xs[0..<64])
        var scores = [Float](repeating: 0, count: 512), out = [Float](repeating: 0, count: 64)
        for level in levels {
            let dots = measure(batchNanos: batchNanos, clock: threadCPUNanoseconds) {
                VectorOps.dotRows(query, matrix: keys, rowStride: 192, rowCount: 512, count: 64, scale: 0.125, out: &scores, level: level)
            }
            let acc = measure(batchNanos: batchNanos, clock: threadCPUNanoseconds) {
                VectorOps.accumulateRows(weights: scores, matrix: keys, rowStride: 192, rowCount: 512, count: 64, into: &out, level: level)
            }
            let soft = measure(batchNanos: batchNanos, clock: threadCPUNanoseconds) {
                VectorOps.softmax(&scores, count: 512, level: level)
            }
            print("attention \(level): dotRows 512x64 \(fixed(dots, 0)) ns, softmax 512 \(fixed(soft, 0)) ns, "
                  + "accumulateRows 512x64 \(fixed(acc, 0)) ns")
        }
    }
    for t in threadCounts {
        let pool = pools[t]!
        let ns = measure(batchNanos: batchNanos) { pool.run { _, _ in } }
        print("ThreadPool.run, empty body, \(t) thread(s): \(fixed(ns, 0)) ns per dispatch")
    }
}

// One decode step's products over a whole model laid out like SmolLM2-135M (30 layers, Q4_1, Q8_0 output):
// every weight byte read once from DRAM, one dispatch per product, activations quantized per input.
print("\nDecode-step matrix products (30 layers x q,k,v,o,gate,up,down Q4_1 + 49152x576 Q8_0 output):")
let layers = 30
let layerShapes = [(576, 576), (192, 576), (192, 576), (576, 576), (1536, 576), (1536, 576), (576, 1536)]
let layerRings = layerShapes.enumerated().map { i, s in
    MatrixRing(type: .q4_1, rows: s.0, cols: s.1, minimumBytes: layers * s.0 * s.1 / 32 * 20, seed: UInt64(100 + i))
}
let output = MatrixRing(type: .q8_0, rows: 49152, cols: 576, minimumBytes: 1, seed: 7)
let totalBytes = layerRings.reduce(0) { $0 + $1.matrixBytes * $1.copies } + output.matrixBytes
/// One product over `pool`: rows handed out in chunks (`MatVec.multiply(pool:)`), or the static split
/// `ThreadPool.split` per part (how a caller that writes its own `pool.run` body partitions).
func product(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ xq: QuantizedActivations, _ y: UnsafeMutablePointer<Float>,
             pool: ThreadPool, level: KernelLevel, chunked: Bool) {
    if chunked {
        MatVec.multiply(w, x: x, xq: xq, y: y, pool: pool, level: level)
    } else {
        pool.run { i, n in
            MatVec.multiply(w, x: x, xq: xq, y: y, rows: ThreadPool.split(w.rows, index: i, count: n, granularity: 16), level: level)
        }
    }
}
xs.withUnsafeBufferPointer { xp in
    let x = xp.baseAddress!
    for level in levels {
        for t in threadCounts {
            let splits = option("--split").map { $0.map { $0 == "chunked" } } ?? [false, true]
            for chunked in t == 1 ? [true] : splits {
                let pool = pools[t]!
                let ns = measure(batches: 5, batchNanos: batchNanos * 4, clock: benchClock(threads: t)) {
                    for l in 0..<layers {
                        for (i, ring) in layerRings.enumerated() {
                            if i == 0 || i == 3 || i == 4 || i == 6 { xq.quantize(x, count: ring.cols, level: level) }
                            product(ring.matrix(l), x, xq, y, pool: pool, level: level, chunked: chunked)
                        }
                    }
                    xq.quantize(x, count: 576, level: level)
                    product(output.matrix(0), x, xq, y, pool: pool, level: level, chunked: chunked)
                }
                let split = t == 1 ? "" : (chunked ? " chunked" : " static ")
                print("  \(pad("\(level)", 7)) \(t) thread(s)\(split): \(fixed(ns / 1e6, 3)) ms per step, "
                      + "\(fixed(Double(totalBytes) / ns, 1)) GB/s, bound \(fixed(1e9 / ns, 0)) tok/s "
                      + "(\(fixed(Double(totalBytes) / 1e6, 1)) MB of weights)")
            }
        }
    }
}
y.deallocate()
