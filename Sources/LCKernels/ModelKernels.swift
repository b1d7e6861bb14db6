/// Plain Swift kernels the transformer needs beyond `VectorOps`: half-precision vectors (the KV cache is stored
/// as IEEE binary16, as llama.cpp's is by default, which halves its memory) and the rotation of adjacent
/// pairs (rotary position embedding in ggml's "normal" layout). Reference versions: a SIMD version may replace
/// a body, never a signature.
public enum ModelKernels {
    /// `dst[i] = half(x[i])`, rounding to nearest even.
    public static func storeHalf(_ x: UnsafePointer<Float>, to dst: UnsafeMutablePointer<UInt16>, count n: Int) {
        for i in 0..<n { dst[i] = HalfFloat.fromFloat(x[i]) }
    }

    /// Dot product of two half-precision vectors, accumulated in Float.
    public static func dotHalf(_ a: UnsafePointer<UInt16>, _ b: UnsafePointer<UInt16>, count n: Int) -> Float {
        var acc: Float = 0
        for i in 0..<n { acc += HalfFloat.toFloat(a[i]) * HalfFloat.toFloat(b[i]) }
        return acc
    }

    /// `y += a * x` with `x` in half precision.
    public static func axpyHalf(_ a: Float, _ x: UnsafePointer<UInt16>, into y: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { y[i] += a * HalfFloat.toFloat(x[i]) }
    }

    /// Rotates adjacent pairs in place: for pair `j`, `(x[2j], x[2j+1])` by the angle whose cosine and sine are
    /// `cosSin[2j]` and `cosSin[2j+1]`. Elements past `2 * pairs` are left as they are.
    public static func rotatePairs(_ x: UnsafeMutablePointer<Float>, cosSin: UnsafePointer<Float>, pairs: Int) {
        for j in 0..<pairs {
            let c = cosSin[2 * j], s = cosSin[2 * j + 1]
            let x0 = x[2 * j], x1 = x[2 * j + 1]
            x[2 * j] = x0 * c - x1 * s
            x[2 * j + 1] = x0 * s + x1 * c
        }
    }
}
