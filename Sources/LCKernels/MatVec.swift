import CLocalCounselKernels

/// Matrix-vector products `y = W x` over quantized weights.
///
/// `multiply` is the entry point the model uses: quantized weight types (Q4_0, Q4_1, Q8_0) are multiplied
/// with the 8-bit activations `xq` (integer dot products, as llama.cpp does), float types with `x` directly.
/// It runs the C microkernel of `level` (default: the best this CPU has). `reference` (dequantize a row, then a
/// float dot product) is the ground truth the kernels are tested against.
public enum MatVec {
    /// Whether `multiply` has a kernel for `type`.
    public static func supports(_ type: GGMLType) -> Bool {
        switch type {
        case .f32, .f16, .bf16, .q4_0, .q4_1, .q8_0: return true
        default: return false
        }
    }

    /// Whether `multiply` reads the quantized activations (`xq`) for this weight type, rather than `x`.
    public static func usesQuantizedActivations(_ type: GGMLType) -> Bool {
        type == .q4_0 || type == .q4_1 || type == .q8_0
    }

    /// `y[r] = dot(W[r, :], x)` for `r` in `rows`. `xq` must hold `x` quantized when
    /// `usesQuantizedActivations(w.type)`. Unsupported types leave `y` untouched (check `supports` first).
    /// Safe to call concurrently on disjoint `rows` (that is how `ThreadPool.run` bodies split a product).
    @inline(__always)
    public static func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, xq: QuantizedActivations,
                                y: UnsafeMutablePointer<Float>, rows: Range<Int>, level: KernelLevel = .current) {
        multiply(w, x: x, values: xq.values, scales: xq.scales, sums: xq.sums, y: y, rows: rows, level: level)
    }

    /// `multiply` on the raw arrays of a `QuantizedActivations`.
    @inline(__always)
    static func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, values: UnsafePointer<Int8>,
                         scales: UnsafePointer<Float>, sums: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                         rows: Range<Int>, level: KernelLevel) {
        guard !rows.isEmpty else { return }
        let lv = level.c, rb = w.rowBytes, cols = Int32(w.cols)
        let r0 = Int32(rows.lowerBound), r1 = Int32(rows.upperBound)
        switch w.type {
        case .q4_0: lc_matvec_q4_0(lv, w.data, rb, cols, r0, r1, values, scales, sums, y)
        case .q4_1: lc_matvec_q4_1(lv, w.data, rb, cols, r0, r1, values, scales, sums, y)
        case .q8_0: lc_matvec_q8_0(lv, w.data, rb, cols, r0, r1, values, scales, sums, y)
        case .f32: lc_matvec_f32(lv, w.data, rb, cols, r0, r1, x, y)
        case .f16: lc_matvec_f16(lv, w.data, rb, cols, r0, r1, x, y)
        case .bf16: lc_matvec_bf16(lv, w.data, rb, cols, r0, r1, x, y)
        default: return
        }
    }

    /// The whole product `y = W x` over `pool`, rows handed out in chunks of multiples of 4
    /// (`ThreadPool.run(splitting:)`): identical results for any thread count, and no heap allocation.
    public static func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, xq: QuantizedActivations,
                                y: UnsafeMutablePointer<Float>, pool: ThreadPool, level: KernelLevel = .current) {
        var job = PooledProduct(a: w, b: nil, c: nil, x: x, values: xq.values, scales: xq.scales, sums: xq.sums,
                                ya: y, yb: nil, yc: nil, level: level)
        job.run(on: pool)
    }

    /// Two or three products of the same input in one dispatch (gate and up; q, k and v): the rows of all of
    /// them form one range that the threads share in chunks, so the workers are woken once, not two or three
    /// times. No heap allocation.
    public static func multiply(_ a: WeightMatrix, _ b: WeightMatrix, _ c: WeightMatrix? = nil,
                                x: UnsafePointer<Float>, xq: QuantizedActivations,
                                ya: UnsafeMutablePointer<Float>, yb: UnsafeMutablePointer<Float>,
                                yc: UnsafeMutablePointer<Float>? = nil, pool: ThreadPool, level: KernelLevel = .current) {
        var job = PooledProduct(a: a, b: b, c: yc == nil ? nil : c, x: x, values: xq.values, scales: xq.scales,
                                sums: xq.sums, ya: ya, yb: yb, yc: yc, level: level)
        job.run(on: pool)
    }

    /// `y[r] = dot(W[r, :], x)` for every row, using `rowScratch` (at least `w.cols` floats) for one row.
    /// Float arithmetic throughout (activations are not quantized), so it also bounds the activation error.
    public static func reference(_ w: WeightMatrix, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                 rowScratch: UnsafeMutablePointer<Float>) throws {
        for r in 0..<w.rows {
            try Dequantize.reference(w.type, w.row(r), rowScratch, count: w.cols)
            var acc: Float = 0
            for i in 0..<w.cols { acc += rowScratch[i] * x[i] }
            y[r] = acc
        }
    }

    /// Scalar Swift twin of `multiply` with the same (quantized) activations: integer block sums, float
    /// accumulation in block order. Kernels at every level must match it within float rounding.
    public static func referenceQuantized(_ w: WeightMatrix, x: UnsafePointer<Float>, xq: QuantizedActivations,
                                          y: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let blocks = w.cols / 32
        for r in rows {
            let row = w.row(r)
            var acc: Float = 0
            switch w.type {
            case .q4_0, .q4_1:
                let q41 = w.type == .q4_1, bs = q41 ? 20 : 18, off = q41 ? 4 : 2, bias = q41 ? 0 : 8
                for b in 0..<blocks {
                    let blk = row + b * bs
                    let d = HalfFloat.toFloat(blk.loadUnaligned(as: UInt16.self))
                    let qx = xq.values + b * 32
                    var isum = 0
                    for j in 0..<16 {
                        let q = blk.load(fromByteOffset: off + j, as: UInt8.self)
                        isum += (Int(q & 0x0F) - bias) * Int(qx[j]) + (Int(q >> 4) - bias) * Int(qx[j + 16])
                    }
                    acc += d * xq.scales[b] * Float(isum)
                    if q41 { acc += HalfFloat.toFloat(blk.loadUnaligned(fromByteOffset: 2, as: UInt16.self)) * xq.sums[b] }
                }
            case .q8_0:
                for b in 0..<blocks {
                    let blk = row + b * 34
                    let d = HalfFloat.toFloat(blk.loadUnaligned(as: UInt16.self))
                    let qx = xq.values + b * 32
                    var isum = 0
                    for j in 0..<32 { isum += Int(blk.load(fromByteOffset: 2 + j, as: Int8.self)) * Int(qx[j]) }
                    acc += d * xq.scales[b] * Float(isum)
                }
            case .f32, .f16, .bf16:
                for i in 0..<w.cols {
                    let v: Float
                    switch w.type {
                    case .f32: v = row.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
                    case .f16: v = HalfFloat.toFloat(row.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    default: v = HalfFloat.bf16ToFloat(row.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    }
                    acc += v * x[i]
                }
            default:
                continue
            }
            y[r] = acc
        }
    }
}

/// Up to three products of one input, run over a pool through a context pointer (no closure, no allocation).
/// Their rows form one range: a's rows, then b's, then c's.
struct PooledProduct {
    let a: WeightMatrix
    let b: WeightMatrix?
    let c: WeightMatrix?
    let x: UnsafePointer<Float>
    let values: UnsafePointer<Int8>
    let scales: UnsafePointer<Float>
    let sums: UnsafePointer<Float>
    let ya: UnsafeMutablePointer<Float>
    let yb: UnsafeMutablePointer<Float>?
    let yc: UnsafeMutablePointer<Float>?
    let level: KernelLevel

    var totalRows: Int { a.rows + (yb == nil ? 0 : b?.rows ?? 0) + (yc == nil ? 0 : c?.rows ?? 0) }

    mutating func run(on pool: ThreadPool) {
        let total = totalRows
        withUnsafeMutablePointer(to: &self) { job in
            pool.run(splitting: total, granularity: 4, context: UnsafeMutableRawPointer(job)) { context, lo, hi, _ in
                context?.assumingMemoryBound(to: PooledProduct.self).pointee.rows(lo..<hi)
            }
        }
    }

    /// Computes the rows `range` of the concatenated row space.
    func rows(_ range: Range<Int>) {
        var base = 0
        product(a, ya, range, &base)
        if let b, let yb { product(b, yb, range, &base) }
        if let c, let yc { product(c, yc, range, &base) }
    }

    /// The part of `range` that falls in `w`'s rows (which start at `base`), then moves `base` past them.
    private func product(_ w: WeightMatrix, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ base: inout Int) {
        let part = range.clamped(to: base..<(base + w.rows))
        if !part.isEmpty {
            MatVec.multiply(w, x: x, values: values, scales: scales, sums: sums, y: y,
                            rows: (part.lowerBound - base)..<(part.upperBound - base), level: level)
        }
        base += w.rows
    }
}
