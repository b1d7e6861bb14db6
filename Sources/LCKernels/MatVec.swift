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
        guard !rows.isEmpty else { return }
        let lv = level.c, rb = w.rowBytes, cols = Int32(w.cols)
        let r0 = Int32(rows.lowerBound), r1 = Int32(rows.upperBound)
        switch w.type {
        case .q4_0: lc_matvec_q4_0(lv, w.data, rb, cols, r0, r1, xq.values, xq.scales, xq.sums, y)
        case .q4_1: lc_matvec_q4_1(lv, w.data, rb, cols, r0, r1, xq.values, xq.scales, xq.sums, y)
        case .q8_0: lc_matvec_q8_0(lv, w.data, rb, cols, r0, r1, xq.values, xq.scales, xq.sums, y)
        case .f32: lc_matvec_f32(lv, w.data, rb, cols, r0, r1, x, y)
        case .f16: lc_matvec_f16(lv, w.data, rb, cols, r0, r1, x, y)
        case .bf16: lc_matvec_bf16(lv, w.data, rb, cols, r0, r1, x, y)
        default: return
        }
    }

    /// The whole product `y = W x`, split over `pool` (rows in multiples of 4 per part, a deterministic split).
    public static func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, xq: QuantizedActivations,
                                y: UnsafeMutablePointer<Float>, pool: ThreadPool, level: KernelLevel = .current) {
        pool.run { i, n in
            multiply(w, x: x, xq: xq, y: y, rows: ThreadPool.split(w.rows, index: i, count: n, granularity: 4), level: level)
        }
    }

    /// Two or three products of the same input in one dispatch (gate and up; q, k and v): each part takes its
    /// share of every matrix, so the workers are woken once instead of two or three times.
    public static func multiply(_ a: WeightMatrix, _ b: WeightMatrix, _ c: WeightMatrix? = nil,
                                x: UnsafePointer<Float>, xq: QuantizedActivations,
                                ya: UnsafeMutablePointer<Float>, yb: UnsafeMutablePointer<Float>,
                                yc: UnsafeMutablePointer<Float>? = nil, pool: ThreadPool, level: KernelLevel = .current) {
        pool.run { i, n in
            multiply(a, x: x, xq: xq, y: ya, rows: ThreadPool.split(a.rows, index: i, count: n, granularity: 4), level: level)
            multiply(b, x: x, xq: xq, y: yb, rows: ThreadPool.split(b.rows, index: i, count: n, granularity: 4), level: level)
            if let c, let yc {
                multiply(c, x: x, xq: xq, y: yc, rows: ThreadPool.split(c.rows, index: i, count: n, granularity: 4), level: level)
            }
        }
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
