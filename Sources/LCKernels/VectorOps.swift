import CLocalCounselKernels

/// Float vector operations the model is written in (no model vocabulary here). Each runs the C kernel of
/// `level` (default: the best this CPU has); `VectorOps.Reference` holds the scalar Swift twins.
public enum VectorOps {
    /// `out = x / rms(x) * weight` over `n` elements; `out` may alias `x`.
    @inline(__always)
    public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                               count n: Int, epsilon: Float, level: KernelLevel = .current) {
        lc_rmsnorm_f32(level.c, x, weight, out, Int32(n), epsilon)
    }

    /// Dot product of two float vectors.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int,
                           level: KernelLevel = .current) -> Float {
        lc_dot_f32(level.c, a, b, Int32(n))
    }

    /// `out[i] = scale * dot(x, rows[i])` for `i` in `0..<rowCount`, row `i` starting at `matrix + i * rowStride`
    /// (e.g. one query against every cached key of a head, without copies).
    @inline(__always)
    public static func dotRows(_ x: UnsafePointer<Float>, matrix: UnsafePointer<Float>, rowStride: Int, rowCount: Int,
                               count n: Int, scale: Float = 1, out: UnsafeMutablePointer<Float>,
                               level: KernelLevel = .current) {
        lc_dot_rows_f32(level.c, x, matrix, rowStride, Int32(rowCount), Int32(n), scale, out)
    }

    /// `y += sum_i weights[i] * rows[i]` over `rowCount` rows of `n` floats `rowStride` apart
    /// (e.g. attention probabilities times cached values).
    @inline(__always)
    public static func accumulateRows(weights: UnsafePointer<Float>, matrix: UnsafePointer<Float>, rowStride: Int,
                                      rowCount: Int, count n: Int, into y: UnsafeMutablePointer<Float>,
                                      level: KernelLevel = .current) {
        lc_accumulate_rows_f32(level.c, weights, matrix, rowStride, Int32(rowCount), Int32(n), y)
    }

    /// `y += x`.
    @inline(__always)
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int,
                           level: KernelLevel = .current) {
        lc_axpy_f32(level.c, 1, x, y, Int32(n))
    }

    /// `y += a * x`.
    @inline(__always)
    public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int,
                            level: KernelLevel = .current) {
        lc_axpy_f32(level.c, a, x, y, Int32(n))
    }

    /// `x *= a`. Portable Swift: LLVM vectorizes this loop even at baseline SSE2, no C needed.
    public static func scale(_ x: UnsafeMutablePointer<Float>, by a: Float, count n: Int) {
        for i in 0..<n { x[i] *= a }
    }

    /// In-place softmax over `n` elements (max-subtracted). Vectorized `exp` in C (libm's `expf` is scalar).
    @inline(__always)
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count n: Int, level: KernelLevel = .current) {
        lc_softmax_f32(level.c, x, Int32(n))
    }

    /// SwiGLU: `gate[i] = silu(gate[i]) * up[i]`.
    @inline(__always)
    public static func swiglu(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count n: Int,
                              level: KernelLevel = .current) {
        lc_swiglu_f32(level.c, gate, up, Int32(n))
    }
}
