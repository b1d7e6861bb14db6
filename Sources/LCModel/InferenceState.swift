import LCKernels

/// One session's running state over a `LlamaModel`: the KV cache and every scratch buffer, allocated once for
/// the requested context, so evaluating tokens allocates nothing. Not thread-safe: one session, one state.
public final class InferenceState {
    /// The model evaluated.
    public let model: LlamaModel
    /// The options this state was made with.
    public let options: RuntimeOptions
    /// Tokens in the KV cache: the next token evaluated goes to this position.
    public private(set) var position: Int = 0

    let cache: KVCache
    let rope: RopeTable
    let scratch: ScratchBuffers
    let pool: ThreadPool
    let project: Projector

    /// Most tokens the cache holds (`options.contextLength`).
    public var contextLength: Int { options.contextLength }
    /// Logits per evaluated position (the model's vocabulary size).
    public var vocabularySize: Int { model.hyperparameters.vocabSize }

    /// Bytes held by the KV cache (allocated, not necessarily touched yet).
    public var cacheByteCount: Int { cache.byteCount }

    /// Allocates the cache and scratch for `options.contextLength` tokens.
    public init(model: LlamaModel, options: RuntimeOptions) throws {
        let hp = model.hyperparameters
        guard options.contextLength <= hp.contextLength else {
            throw ModelError.invalidOption(name: "context length", value: options.contextLength,
                                           reason: "the model was trained for at most \(hp.contextLength) tokens")
        }
        self.model = model
        self.options = options
        cache = KVCache(layers: hp.blockCount, kvHeads: hp.headCountKV, capacity: options.contextLength,
                        headDim: hp.headDim)
        rope = RopeTable(hyperparameters: hp, positions: options.contextLength,
                         frequencyFactors: model.ropeFrequencyFactors)
        scratch = ScratchBuffers(model: model, options: options)
        pool = ThreadPool(threads: options.threads)
        project = Projector(pool: pool, scratch: scratch)
    }

    /// Runs `tokens` at positions `position...` (a batch at a time through every layer), appends them to the
    /// cache and returns the logits of the last one (`vocab` floats, valid until the next call).
    /// Throws, leaving the state untouched, when the input is empty, an id is out of range, or the context
    /// would overflow.
    public func evaluate(_ tokens: [Int32]) throws -> UnsafeBufferPointer<Float> {
        try tokens.withUnsafeBufferPointer { all in
            try check(all)
            let batch = options.batchSize
            var start = 0
            while start < all.count {
                let end = min(start + batch, all.count)
                forward(UnsafeBufferPointer(rebasing: all[start..<end]), logits: end == all.count ? .last : .none)
                start = end
            }
        }
        return UnsafeBufferPointer(start: scratch.logits, count: model.hyperparameters.vocabSize)
    }

    /// The decode step: `evaluate([token])` without building an array, so generating allocates nothing.
    public func evaluate(token: Int32) throws -> UnsafeBufferPointer<Float> {
        try withUnsafePointer(to: token) { p in
            let one = UnsafeBufferPointer(start: p, count: 1)
            try check(one)
            forward(one, logits: .last)
        }
        return UnsafeBufferPointer(start: scratch.logits, count: model.hyperparameters.vocabSize)
    }

    /// Like `evaluate`, but returns the logits of every token (`(tokens.count, vocab)`, row-major), as
    /// perplexity needs. Requires `RuntimeOptions.allPositionLogits` and at most `batchSize` tokens.
    public func evaluateAllPositions(_ tokens: [Int32]) throws -> UnsafeBufferPointer<Float> {
        guard let all = scratch.allLogits, tokens.count <= options.batchSize else {
            throw ModelError.allPositionLogitsUnavailable(requested: tokens.count, batchSize: options.batchSize,
                                                          enabled: options.allPositionLogits)
        }
        try tokens.withUnsafeBufferPointer {
            try check($0)
            forward($0, logits: .all)
        }
        return UnsafeBufferPointer(start: all, count: tokens.count * model.hyperparameters.vocabSize)
    }

    /// Forgets cache entries from `count` on (for reusing a shared prefix); `count` is clamped to `0...position`.
    public func truncate(to count: Int) {
        position = max(0, min(count, position))
    }

    /// Forgets everything in the cache.
    public func reset() { position = 0 }

    private func check(_ tokens: UnsafeBufferPointer<Int32>) throws {
        guard !tokens.isEmpty else { throw ModelError.emptyInput }
        guard tokens.count <= options.contextLength - position else {
            throw ModelError.contextOverflow(position: position, requested: tokens.count,
                                             contextLength: options.contextLength)
        }
        let vocab = model.hyperparameters.vocabSize
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= vocab }) {
            throw ModelError.tokenOutOfRange(id: bad, vocabSize: vocab)
        }
    }

    /// Which rows' logits a forward pass computes.
    enum LogitRows { case none, last, all }

    /// One batch through the whole model at positions `position..<position + tokens.count`.
    func forward(_ tokens: UnsafeBufferPointer<Int32>, logits: LogitRows) {
        let hp = model.hyperparameters
        let m = tokens.count
        let dim = hp.embeddingLength
        let s = scratch
        let embd = model.tokenEmbedding
        for i in 0..<m {
            // Types were checked when the model loaded, so this cannot throw.
            do { try Dequantize.row(embd.type, embd.row(Int(tokens[i])), s.x + i * dim, count: dim) } catch {}
        }
        for l in 0..<hp.blockCount {
            attentionBlock(layer: l, rows: m)
            feedForwardBlock(layer: l, rows: m)
        }
        switch logits {
        case .none:
            break
        case .last:
            VectorOps.rmsNorm(s.x + (m - 1) * dim, weight: model.outputNorm.base, out: s.xn, count: dim,
                              epsilon: hp.rmsEpsilon)
            project(s.xn, rows: 1, Projection(weight: model.output, output: s.logits))
        case .all:
            guard let all = s.allLogits else { break }
            for i in 0..<m {
                VectorOps.rmsNorm(s.x + i * dim, weight: model.outputNorm.base, out: s.xn + i * dim, count: dim,
                                  epsilon: hp.rmsEpsilon)
            }
            project(s.xn, rows: m, Projection(weight: model.output, output: all))
            s.logits.update(from: all + (m - 1) * hp.vocabSize, count: hp.vocabSize)
        }
        position += m
    }
}
