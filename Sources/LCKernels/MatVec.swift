/// Matrix-vector products `y = W x` over quantized weights.
///
/// This is the reference path (dequantize a row, then a float dot product). Optimised kernels must agree
/// with it; see the tests.
public enum MatVec {
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
