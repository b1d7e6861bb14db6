import LCKernels

/// Every activation buffer one forward pass needs, allocated once per `InferenceState` for `batch` rows
/// (row-major, one row per token) and reused for every batch and every generated token.
final class ScratchBuffers {
    /// Residual stream, `(batch, dim)`.
    let x: UnsafeMutablePointer<Float>
    /// Normalised layer input, `(batch, dim)`.
    let xn: UnsafeMutablePointer<Float>
    /// Queries, `(batch, queryDim)`.
    let q: UnsafeMutablePointer<Float>
    /// Keys of the new tokens before they go to the cache, `(batch, kvDim)`.
    let k: UnsafeMutablePointer<Float>
    /// Values of the new tokens, `(batch, kvDim)`.
    let v: UnsafeMutablePointer<Float>
    /// Attention output (all heads), `(batch, queryDim)`.
    let attention: UnsafeMutablePointer<Float>
    /// Output of the attention and down projections before the residual add, `(batch, dim)`.
    let projected: UnsafeMutablePointer<Float>
    /// SwiGLU gate, then its product with `up`, `(batch, ffn)`.
    let gate: UnsafeMutablePointer<Float>
    /// SwiGLU up projection, `(batch, ffn)`.
    let up: UnsafeMutablePointer<Float>
    /// Attention scores, one row per thread, `(threads, context)`.
    let scores: UnsafeMutablePointer<Float>
    /// Logits of the last token, `(vocab)`.
    let logits: UnsafeMutablePointer<Float>
    /// Logits of every token of a batch when enabled, `(batch, vocab)`.
    let allLogits: UnsafeMutablePointer<Float>?
    /// A weight matrix (or a tile of rows of one) dequantized for sgemm, `(tileRows, cols)`.
    let weightTile: UnsafeMutablePointer<Float>
    /// Floats `weightTile` holds.
    let weightTileCapacity: Int
    /// sgemm output for a row tile of the output matrix, `(batch, tileRows)`; only with all-position logits.
    let tileOutput: UnsafeMutablePointer<Float>?
    /// 8-bit copy of one layer-input row, shared by the projections that read it.
    let quantized: QuantizedActivations

    private let owned: [UnsafeMutableRawPointer]

    init(model: LlamaModel, options: RuntimeOptions) {
        let hp = model.hyperparameters
        let b = options.batchSize
        var owned: [UnsafeMutableRawPointer] = []
        func floats(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
            owned.append(UnsafeMutableRawPointer(p))
            return p
        }
        x = floats(b * hp.embeddingLength)
        xn = floats(b * hp.embeddingLength)
        q = floats(b * hp.queryDim)
        k = floats(b * hp.kvDim)
        v = floats(b * hp.kvDim)
        attention = floats(b * hp.queryDim)
        projected = floats(b * hp.embeddingLength)
        gate = floats(b * hp.feedForwardLength)
        up = floats(b * hp.feedForwardLength)
        scores = floats(options.threads * options.contextLength)
        logits = floats(hp.vocabSize)
        let layerMax = model.layers.map { l in
            [l.wq, l.wk, l.wv, l.wo, l.gate, l.up, l.down].map { $0.rows * $0.cols }.max() ?? 0
        }.max() ?? 0
        weightTileCapacity = max(layerMax, 256 * hp.embeddingLength)
        weightTile = floats(weightTileCapacity)
        if options.allPositionLogits {
            allLogits = floats(b * hp.vocabSize)
            tileOutput = floats(b * (weightTileCapacity / hp.embeddingLength))
        } else {
            allLogits = nil
            tileOutput = nil
        }
        quantized = QuantizedActivations(capacity: max(hp.embeddingLength, hp.feedForwardLength, hp.queryDim))
        self.owned = owned
    }

    deinit {
        for p in owned { p.deallocate() }
    }
}
