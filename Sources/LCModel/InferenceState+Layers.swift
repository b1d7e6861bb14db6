import LCKernels

extension InferenceState {
    /// `x += Wo · attention(rope(Wq · norm(x)), cache)`, after writing this batch's keys and values into the
    /// cache at positions `position..<position + m`.
    func attentionBlock(layer l: Int, rows m: Int) {
        let hp = model.hyperparameters
        let w = model.layers[l]
        let s = scratch
        let dim = hp.embeddingLength, hd = hp.headDim
        for i in 0..<m {
            VectorOps.rmsNorm(s.x + i * dim, weight: w.attentionNorm.base, out: s.xn + i * dim, count: dim,
                              epsilon: hp.rmsEpsilon)
        }
        project(s.xn, rows: m, Projection(weight: w.wq, output: s.q), Projection(weight: w.wk, output: s.k),
                Projection(weight: w.wv, output: s.v))
        for i in 0..<m {
            let angles = rope.row(position + i)
            for h in 0..<hp.headCount {
                ModelKernels.rotatePairs(s.q + i * hp.queryDim + h * hd, cosSin: angles, pairs: rope.pairs)
            }
            for h in 0..<hp.headCountKV {
                let k = s.k + i * hp.kvDim + h * hd
                ModelKernels.rotatePairs(k, cosSin: angles, pairs: rope.pairs)
                cache.key(layer: l, head: h, position: position + i).update(from: k, count: hd)
                cache.value(layer: l, head: h, position: position + i).update(from: s.v + i * hp.kvDim + h * hd, count: hd)
            }
        }
        attend(layer: l, rows: m)
        project(s.attention, rows: m, Projection(weight: w.wo, output: s.projected))
        VectorOps.add(s.projected, into: s.x, count: m * dim)
    }

    /// Causal grouped-query attention for `m` new rows: row `i` (at position `position + i`) attends to cache
    /// positions `0...position + i`; query head `h` reads key/value head `h / groupSize`. The (row, head)
    /// pairs are shared by the threads in chunks, each thread with its own score row; keys and values are read
    /// in place. The job goes to the pool as a C function and a context pointer, so no closure is boxed per
    /// layer per token: decoding allocates nothing.
    func attend(layer l: Int, rows m: Int) {
        let hp = model.hyperparameters
        let s = scratch
        var job = AttentionJob(
            q: s.q, out: s.attention, scores: s.scores,
            keys: cache.key(layer: l, head: 0, position: 0), values: cache.value(layer: l, head: 0, position: 0),
            headStride: cache.capacity * hp.headDim, context: options.contextLength, start: position,
            heads: hp.headCount, group: hp.groupSize, headDim: hp.headDim, queryDim: hp.queryDim,
            scale: 1 / Float(hp.headDim).squareRoot())
        withUnsafeMutablePointer(to: &job) { p in
            pool.run(splitting: m * hp.headCount, context: UnsafeMutableRawPointer(p)) { context, lo, hi, part in
                let job = context!.assumingMemoryBound(to: AttentionJob.self).pointee
                let hd = job.headDim
                let scores = job.scores + part * job.context  // (keys)
                for item in lo..<hi {
                    let i = item / job.heads, h = item % job.heads, kvh = h / job.group
                    let keys = job.start + i + 1
                    VectorOps.dotRows(job.q + i * job.queryDim + h * hd, matrix: job.keys + kvh * job.headStride,
                                      rowStride: hd, rowCount: keys, count: hd, scale: job.scale, out: scores)
                    VectorOps.softmax(scores, count: keys)
                    let out = job.out + i * job.queryDim + h * hd
                    out.update(repeating: 0, count: hd)
                    VectorOps.accumulateRows(weights: scores, matrix: job.values + kvh * job.headStride,
                                             rowStride: hd, rowCount: keys, count: hd, into: out)
                }
            }
        }
    }

    /// `x += Wdown · (silu(Wgate · norm(x)) ⊙ (Wup · norm(x)))`.
    func feedForwardBlock(layer l: Int, rows m: Int) {
        let hp = model.hyperparameters
        let w = model.layers[l]
        let s = scratch
        let dim = hp.embeddingLength
        for i in 0..<m {
            VectorOps.rmsNorm(s.x + i * dim, weight: w.ffnNorm.base, out: s.xn + i * dim, count: dim,
                              epsilon: hp.rmsEpsilon)
        }
        project(s.xn, rows: m, Projection(weight: w.gate, output: s.gate), Projection(weight: w.up, output: s.up))
        VectorOps.swiglu(gate: s.gate, up: s.up, count: m * hp.feedForwardLength)
        project(s.gate, rows: m, Projection(weight: w.down, output: s.projected))
        VectorOps.add(s.projected, into: s.x, count: m * dim)
    }
}

/// What one attention dispatch needs, handed to the pool's chunk function by pointer.
private struct AttentionJob {
    /// Queries `(rows, queryDim)`, output `(rows, queryDim)`, score rows `(threads, context)`.
    var q, out, scores: UnsafeMutablePointer<Float>
    /// This layer's cached keys and values at head 0, position 0; head `h` starts `h * headStride` later.
    var keys, values: UnsafeMutablePointer<Float>
    var headStride, context, start, heads, group, headDim, queryDim: Int
    var scale: Float
}
