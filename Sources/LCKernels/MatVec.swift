/// Matrix-vector products `y = W x` over quantized weights.
///
/// `multiply` is the entry point the model uses: quantized weight types (Q4_0, Q4_1, Q8_0) are multiplied
/// with the 8-bit activations `xq` (integer dot products, as llama.cpp does), float types with `x` directly.
/// `reference` (dequantize a row, then a float dot product) is the ground truth optimised kernels are tested
/// against.
public enum MatVec {
    /// Whether `multiply` has a kernel for `type`.
    public static func supports(_ type: GGMLType) -> Bool { Dequantize.supportedTypes.contains(type) }

    /// Whether `multiply` reads the quantized activations (`xq`) for this weight type, rather than `x`.
    public static func usesQuantizedActivations(_ type: GGMLType) -> Bool {
        type == .q4_0 || type == .q4_1 || type == .q8_0
    }

    /// `y[r] = dot(W[r, :], x)` for `r` in `rows`. `xq` must hold `x` quantized when
    /// `usesQuantizedActivations(w.type)`. Unsupported types leave `y` untouched (check `supports` first).
    public static func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, xq: QuantizedActivations,
                                y: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let blocks = w.cols / 32
        switch w.type {
        case .q4_0:
            for r in rows {
                let row = w.row(r)
                var acc: Float = 0
                for b in 0..<blocks {
                    let blk = row + b * 18
                    let d = HalfFloat.toFloat(blk.loadUnaligned(as: UInt16.self))
                    let qx = xq.values + b * 32
                    var isum = 0
                    for j in 0..<16 {
                        let q = blk.load(fromByteOffset: 2 + j, as: UInt8.self)
                        isum += (Int(q & 0x0F) - 8) * Int(qx[j]) + (Int(q >> 4) - 8) * Int(qx[j + 16])
                    }
                    acc += d * xq.scales[b] * Float(isum)
                }
                y[r] = acc
            }
        case .q4_1:
            for r in rows {
                let row = w.row(r)
                var acc: Float = 0
                for b in 0..<blocks {
                    let blk = row + b * 20
                    let d = HalfFloat.toFloat(blk.loadUnaligned(as: UInt16.self))
                    let m = HalfFloat.toFloat(blk.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
                    let qx = xq.values + b * 32
                    var isum = 0
                    for j in 0..<16 {
                        let q = blk.load(fromByteOffset: 4 + j, as: UInt8.self)
                        isum += Int(q & 0x0F) * Int(qx[j]) + Int(q >> 4) * Int(qx[j + 16])
                    }
                    acc += d * xq.scales[b] * Float(isum) + m * xq.sums[b]
                }
                y[r] = acc
            }
        case .q8_0:
            for r in rows {
                let row = w.row(r)
                var acc: Float = 0
                for b in 0..<blocks {
                    let blk = row + b * 34
                    let d = HalfFloat.toFloat(blk.loadUnaligned(as: UInt16.self))
                    let qx = xq.values + b * 32
                    var isum = 0
                    for j in 0..<32 { isum += Int(blk.load(fromByteOffset: 2 + j, as: Int8.self)) * Int(qx[j]) }
                    acc += d * xq.scales[b] * Float(isum)
                }
                y[r] = acc
            }
        case .f32:
            for r in rows {
                y[r] = VectorOps.dot(w.row(r).assumingMemoryBound(to: Float.self), x, count: w.cols)
            }
        case .f16:
            for r in rows {
                let row = w.row(r)
                var acc: Float = 0
                for i in 0..<w.cols { acc += HalfFloat.toFloat(row.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) * x[i] }
                y[r] = acc
            }
        case .bf16:
            for r in rows {
                let row = w.row(r)
                var acc: Float = 0
                for i in 0..<w.cols { acc += HalfFloat.bf16ToFloat(row.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) * x[i] }
                y[r] = acc
            }
        default:
            return
        }
    }

    /// `y[r] = dot(W[r, :], x)` for every row, using `rowScratch` (at least `w.cols` floats) for one row.
    public static func reference(_ w: WeightMatrix, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                 rowScratch: UnsafeMutablePointer<Float>) throws {
        for r in 0..<w.rows {
            try Dequantize.row(w.type, w.row(r), rowScratch, count: w.cols)
            var acc: Float = 0
            for i in 0..<w.cols { acc += rowScratch[i] * x[i] }
            y[r] = acc
        }
    }
}
