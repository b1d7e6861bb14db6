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
    /// pairs are split over the threads, each with its own score row; keys and values are read in place.
    func attend(layer l: Int, rows m: Int) {
        let hp = model.hyperparameters
        let s = scratch, cache = cache
        let hd = hp.headDim, heads = hp.headCount, group = hp.groupSize
        let context = options.contextLength, start = position
        let scale = 1 / Float(hd).squareRoot()
        pool.run { t, n in
            let scores = s.scores + t * context  // (keys)
            for item in ThreadPool.split(m * heads, index: t, count: n) {
                let i = item / heads, h = item % heads, kvh = h / group
                let keys = start + i + 1
                VectorOps.dotRows(s.q + i * hp.queryDim + h * hd, matrix: cache.key(layer: l, head: kvh, position: 0),
                                  rowStride: hd, rowCount: keys, count: hd, scale: scale, out: scores)
                VectorOps.softmax(scores, count: keys)
                let out = s.attention + i * hp.queryDim + h * hd
                out.update(repeating: 0, count: hd)
                VectorOps.accumulateRows(weights: scores, matrix: cache.value(layer: l, head: kvh, position: 0),
                                         rowStride: hd, rowCount: keys, count: hd, into: out)
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
