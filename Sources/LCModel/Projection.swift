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

    /// The matvec path: each input row quantized once, then every projection's rows split over the threads in
    /// one dispatch, each thread taking one contiguous slice of every matrix (a steady stream for the hardware
    /// prefetcher: measured about 12 % faster decoding than handing rows out in small chunks). The job goes to
    /// the pool as a C function and a context pointer, so no closure is boxed: decoding allocates nothing.
    private func matvecs(_ input: UnsafePointer<Float>, rows m: Int, _ a: Projection, _ b: Projection?,
                         _ c: Projection?) {
        let cols = a.weight.cols
        let parts = pool.threadCount
        for i in 0..<m {
            let row = input + i * cols
            if quantizes(a) || quantizes(b) || quantizes(c) { scratch.quantized.quantize(row, count: cols) }
            var job = MatvecJob(a: a, b: b, c: c, row: i, x: row, xq: scratch.quantized, parts: parts)
            withUnsafeMutablePointer(to: &job) { p in
                // `parts` units, one per slice: whichever thread claims slice `s` computes rows split(s) of each.
                pool.run(splitting: parts, context: UnsafeMutableRawPointer(p)) { context, lo, hi, _ in
                    let job = context!.assumingMemoryBound(to: MatvecJob.self)
                    for slice in lo..<hi {
                        job.pointee.multiply(job.pointee.a, slice: slice)
                        if let b = job.pointee.b { job.pointee.multiply(b, slice: slice) }
                        if let c = job.pointee.c { job.pointee.multiply(c, slice: slice) }
                    }
                }
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

/// One input row's products, handed to the pool's chunk function by pointer.
private struct MatvecJob {
    let a: Projection
    let b: Projection?
    let c: Projection?
    /// Which input row of the batch (selects the output row).
    let row: Int
    let x: UnsafePointer<Float>
    let xq: QuantizedActivations
    /// Slices each matrix is cut into (the pool's thread count).
    let parts: Int

    /// Rows `split(slice)` of `p`'s matrix times this row.
    func multiply(_ p: Projection, slice: Int) {
        let rows = ThreadPool.split(p.weight.rows, index: slice, count: parts, granularity: 16)
        MatVec.multiply(p.weight, x: x, xq: xq, y: p.output + row * p.weight.rows, rows: rows)
    }
}
