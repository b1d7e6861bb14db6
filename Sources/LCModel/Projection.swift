import LCKernels

/// One weight matrix and where its products go: row `i` of the input lands at `output + i * weight.rows`.
struct Projection {
    let weight: WeightMatrix
    let output: UnsafeMutablePointer<Float>
}

/// `Y = X · Wᵀ` for a batch of rows, by whichever path suits the batch: below `gemmMinimumRows` rows, each row
/// is quantized to 8 bits once and multiplied by the still-quantized weights (rows of `W` split over the
/// threads); from `gemmMinimumRows` on, each weight matrix is dequantized to Float once per batch and handed to
/// OpenBLAS sgemm.
struct Projector {
    /// Smallest batch that goes through sgemm. Dequantizing a matrix costs about what a few integer matrix-vector
    /// products do, so tiny batches (a chat turn's few tokens) stay on the matvec path.
    static let gemmMinimumRows = 8

    let pool: ThreadPool
    let scratch: ScratchBuffers

    /// Multiplies `m` rows of `input` (`(m, cols)`, all projections sharing `cols`) by up to three matrices,
    /// quantizing each input row only once.
    func callAsFunction(_ input: UnsafePointer<Float>, rows m: Int, _ a: Projection, _ b: Projection? = nil,
                        _ c: Projection? = nil) {
        if m >= Self.gemmMinimumRows {
            gemm(input, rows: m, a)
            if let b { gemm(input, rows: m, b) }
            if let c { gemm(input, rows: m, c) }
        } else {
            matvecs(input, rows: m, a, b, c)
        }
    }

    /// The matvec path: each input row quantized once, then the rows of all its projections shared by the
    /// threads in one dispatch (`MatVec.multiply(..., pool:)`: no heap allocation, so decoding allocates nothing).
    private func matvecs(_ input: UnsafePointer<Float>, rows m: Int, _ a: Projection, _ b: Projection?,
                         _ c: Projection?) {
        let cols = a.weight.cols
        for i in 0..<m {
            let row = input + i * cols
            if quantizes(a) || quantizes(b) || quantizes(c) { scratch.quantized.quantize(row, count: cols) }
            let xq = scratch.quantized
            let ya = a.output + i * a.weight.rows
            if let b, let c {
                MatVec.multiply(a.weight, b.weight, c.weight, x: row, xq: xq, ya: ya, yb: b.output + i * b.weight.rows,
                                yc: c.output + i * c.weight.rows, pool: pool)
            } else if let b {
                MatVec.multiply(a.weight, b.weight, x: row, xq: xq, ya: ya, yb: b.output + i * b.weight.rows, pool: pool)
            } else {
                MatVec.multiply(a.weight, x: row, xq: xq, y: ya, pool: pool)
            }
        }
    }

    private func quantizes(_ p: Projection?) -> Bool {
        p.map { MatVec.usesQuantizedActivations($0.weight.type) } ?? false
    }

    /// sgemm over the dequantized matrix; a matrix larger than the tile goes tile by tile (rows of `W`), each
    /// tile's product landing in `tileOutput` and then copied to its columns of the output.
    private func gemm(_ input: UnsafePointer<Float>, rows m: Int, _ p: Projection) {
        let w = p.weight
        if w.type == .f32 {
            BLAS.matmulTransposedB(a: input, b: w.data.assumingMemoryBound(to: Float.self), c: p.output,
                                   m: m, n: w.rows, k: w.cols)
            return
        }
        let tileRows = min(w.rows, scratch.weightTileCapacity / w.cols)
        if tileRows == w.rows {
            dequantize(w, rows: 0..<w.rows)
            BLAS.matmulTransposedB(a: input, b: scratch.weightTile, c: p.output, m: m, n: w.rows, k: w.cols)
            return
        }
        // Only the output matrix is larger than the tile, and its output tile exists with all-position logits.
        guard let tileOut = scratch.tileOutput else {
            matvecs(input, rows: m, p, nil, nil)
            return
        }
        var r0 = 0
        while r0 < w.rows {
            let n = min(tileRows, w.rows - r0)
            dequantize(w, rows: r0..<(r0 + n))
            BLAS.matmulTransposedB(a: input, b: scratch.weightTile, c: tileOut, m: m, n: n, k: w.cols)
            for i in 0..<m {
                (p.output + i * w.rows + r0).update(from: tileOut + i * n, count: n)
            }
            r0 += n
        }
    }

    /// Writes rows `rows` of `w` as Floats to the start of the weight tile, split over the threads.
    private func dequantize(_ w: WeightMatrix, rows: Range<Int>) {
        let tile = scratch.weightTile
        pool.run { t, n in
            for r in ThreadPool.split(rows.count, index: t, count: n) {
                // Types were checked against Dequantize.supportedTypes when the model loaded, so this cannot throw.
                do {
                    try Dequantize.row(w.type, w.row(rows.lowerBound + r), tile + r * w.cols, count: w.cols)
                } catch {}
            }
        }
    }
}
