/// The one transformer-specific kernel the model needs beyond `VectorOps`: rotation of adjacent pairs (rotary
/// position embedding in ggml's "normal" layout, which llama.cpp uses for the `llama` architecture). A reference
/// version: a SIMD version may replace the body, never the signature.
public enum ModelKernels {
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
