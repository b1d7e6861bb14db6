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
                ModelKernels.storeHalf(k, to: cache.key(layer: l, head: h, position: position + i), count: hd)
                ModelKernels.storeHalf(s.v + i * hp.kvDim + h * hd,
                                       to: cache.value(layer: l, head: h, position: position + i), count: hd)
            }
        }
        attend(layer: l, rows: m)
        project(s.attention, rows: m, Projection(weight: w.wo, output: s.projected))
        VectorOps.add(s.projected, into: s.x, count: m * dim)
    }

    /// Causal grouped-query attention for `m` new rows: row `i` (at position `position + i`) attends to cache
    /// positions `0...position + i`; query head `h` reads key/value head `h / groupSize`. The (row, head)
    /// pairs are split over the threads, each with its own score row. As llama.cpp does, the query is rounded
    /// to half precision for the product with the half-precision keys.
    func attend(layer l: Int, rows m: Int) {
        let hp = model.hyperparameters
        let s = scratch, cache = cache
        let hd = hp.headDim, heads = hp.headCount, group = hp.groupSize
        let context = options.contextLength, start = position
        let scale = 1 / Float(hd).squareRoot()
        pool.run { t, n in
            let scores = s.scores + t * context
            let qh = s.queryHalf + t * hd
            for item in ThreadPool.split(m * heads, index: t, count: n) {
                let i = item / heads, h = item % heads, kvh = h / group
                let keys = start + i + 1
                ModelKernels.storeHalf(s.q + i * hp.queryDim + h * hd, to: qh, count: hd)
                for p in 0..<keys {
                    scores[p] = ModelKernels.dotHalf(cache.key(layer: l, head: kvh, position: p), qh, count: hd) * scale
                }
                VectorOps.softmax(scores, count: keys)
                let out = s.attention + i * hp.queryDim + h * hd
                out.update(repeating: 0, count: hd)
                for p in 0..<keys {
                    ModelKernels.axpyHalf(scores[p], cache.value(layer: l, head: kvh, position: p), into: out, count: hd)
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
