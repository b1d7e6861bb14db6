#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension VectorOps {
    /// Scalar Swift twins of the vector kernels: the ground truth tests compare every level with.
    public enum Reference {
        /// `out = x / rms(x) * weight`.
        public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                                   count n: Int, epsilon: Float) {
            var ss: Float = 0
            for i in 0..<n { ss += x[i] * x[i] }
            let scale = 1 / (ss / Float(n) + epsilon).squareRoot()
            for i in 0..<n { out[i] = x[i] * scale * weight[i] }
        }

        /// Dot product.
        public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
            var acc: Float = 0
            for i in 0..<n { acc += a[i] * b[i] }
            return acc
        }

        /// `y += a * x`.
        public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int) {
            for i in 0..<n { y[i] += a * x[i] }
        }

        /// In-place softmax (max-subtracted), with libm's `expf`.
        public static func softmax(_ x: UnsafeMutablePointer<Float>, count n: Int) {
            var m = -Float.infinity
            for i in 0..<n { m = max(m, x[i]) }
            var sum: Float = 0
            for i in 0..<n {
                let e = expf(x[i] - m)
                x[i] = e
                sum += e
            }
            let inv = 1 / sum
            for i in 0..<n { x[i] *= inv }
        }

        /// `gate[i] = silu(gate[i]) * up[i]`, with libm's `expf`.
        public static func swiglu(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count n: Int) {
            for i in 0..<n {
                let g = gate[i]
                gate[i] = g / (1 + expf(-g)) * up[i]
            }
        }
    }
}
