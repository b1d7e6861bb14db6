import COpenBLAS

/// Batched float matrix products through OpenBLAS.
public enum BLAS {
    /// `C[m×n] = A[m×k] · B[n×k]ᵀ` (+ `beta * C`), all row-major with leading dimensions equal to their widths.
    /// The shape the model needs: activations `A` (tokens × in) times weights `B` (out × in).
    public static func matmulTransposedB(a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                         m: Int, n: Int, k: Int, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(k), b, Int32(k), beta, c, Int32(n))
    }
}
