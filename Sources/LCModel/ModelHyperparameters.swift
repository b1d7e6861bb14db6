import LCGGUF
import LCKernels

/// The shape of a llama-architecture model, read from the GGUF file's `llama.*` keys (ggml's `llama_hparams`).
/// What the caller chooses at run time lives apart, in `RuntimeOptions`.
public struct ModelHyperparameters: Sendable, Equatable {
    /// `general.architecture` (always `llama` for now).
    public let architecture: String
    /// Number of transformer blocks (`llama.block_count`).
    public let blockCount: Int
    /// Width of the residual stream (`llama.embedding_length`).
    public let embeddingLength: Int
    /// Hidden width of the SwiGLU feed-forward network (`llama.feed_forward_length`).
    public let feedForwardLength: Int
    /// Query heads (`llama.attention.head_count`).
    public let headCount: Int
    /// Key/value heads (`llama.attention.head_count_kv`); fewer than `headCount` means grouped-query attention.
    public let headCountKV: Int
    /// Width of one head (`llama.attention.key_length`, else `embeddingLength / headCount`).
    public let headDim: Int
    /// Leading dimensions of each head that are rotated (`llama.rope.dimension_count`, else `headDim`).
    public let ropeDimensionCount: Int
    /// RoPE frequency base (`llama.rope.freq_base`, default 10000).
    public let ropeFreqBase: Float
    /// RMSNorm epsilon (`llama.attention.layer_norm_rms_epsilon`).
    public let rmsEpsilon: Float
    /// Context length the model was trained for (`llama.context_length`).
    public let contextLength: Int
    /// Vocabulary size (`llama.vocab_size`, else the length of `tokenizer.ggml.tokens`, else token_embd's rows).
    public let vocabSize: Int
    /// True when the file has no `output.weight`, so the token embedding doubles as the output matrix.
    public let tiedOutput: Bool

    /// Width of all query heads together.
    public var queryDim: Int { headCount * headDim }
    /// Width of all key (or value) heads together.
    public var kvDim: Int { headCountKV * headDim }
    /// Query heads sharing one key/value head.
    public var groupSize: Int { headCount / headCountKV }

    /// Reads and validates the hyperparameters of `gguf`.
    public init(gguf: GGUFFile) throws {
        let arch = try Self.string(gguf, "general.architecture")
        guard arch == "llama" else { throw ModelError.unsupportedArchitecture(arch) }
        architecture = arch
        let p = arch + "."
        blockCount = try Self.positive(gguf, p + "block_count")
        embeddingLength = try Self.positive(gguf, p + "embedding_length")
        feedForwardLength = try Self.positive(gguf, p + "feed_forward_length")
        headCount = try Self.positive(gguf, p + "attention.head_count")
        headCountKV = try gguf.metadata[p + "attention.head_count_kv"] == nil
            ? headCount : Self.positive(gguf, p + "attention.head_count_kv")
        contextLength = try Self.positive(gguf, p + "context_length")
        rmsEpsilon = try Self.float(gguf, p + "attention.layer_norm_rms_epsilon")
        ropeFreqBase = try gguf.metadata[p + "rope.freq_base"] == nil ? 10000 : Self.float(gguf, p + "rope.freq_base")

        if gguf.metadata[p + "attention.key_length"] != nil {
            headDim = try Self.positive(gguf, p + "attention.key_length")
        } else {
            guard embeddingLength % headCount == 0 else {
                throw ModelError.invalidHyperparameter(key: p + "attention.head_count", value: "\(headCount)",
                                                       reason: "does not divide the embedding length \(embeddingLength)")
            }
            headDim = embeddingLength / headCount
        }
        if let v = gguf.metadata[p + "attention.value_length"]?.intValue, v != headDim {
            throw ModelError.unsupportedFeature(key: p + "attention.value_length",
                                                reason: "value heads of width \(v) differ from key heads (\(headDim))")
        }
        ropeDimensionCount = try gguf.metadata[p + "rope.dimension_count"] == nil
            ? headDim : Self.positive(gguf, p + "rope.dimension_count")

        if gguf.metadata[p + "vocab_size"] != nil {
            vocabSize = try Self.positive(gguf, p + "vocab_size")
        } else if let tokens = gguf.metadata["tokenizer.ggml.tokens"]?.arrayValue {
            vocabSize = tokens.count
        } else if let embd = gguf.tensor(named: "token_embd.weight"), embd.shape.count == 2 {
            vocabSize = embd.shape[1]
        } else {
            throw ModelError.missingKey(p + "vocab_size")
        }
        tiedOutput = gguf.tensor(named: "output.weight") == nil

        try validate(gguf: gguf)
    }

    private func validate(gguf: GGUFFile) throws {
        let p = architecture + "."
        guard headCount % headCountKV == 0 else {
            throw ModelError.invalidHyperparameter(key: p + "attention.head_count_kv", value: "\(headCountKV)",
                                                   reason: "does not divide the head count \(headCount)")
        }
        guard ropeDimensionCount % 2 == 0, ropeDimensionCount <= headDim, headDim % 2 == 0 else {
            throw ModelError.invalidHyperparameter(key: p + "rope.dimension_count", value: "\(ropeDimensionCount)",
                                                   reason: "must be even and at most the head width \(headDim)")
        }
        // Activations are quantized in blocks of 32 before every matrix product.
        for (key, v) in [(p + "embedding_length", embeddingLength), (p + "feed_forward_length", feedForwardLength),
                         (p + "attention.head_count", queryDim)] where v % 32 != 0 {
            throw ModelError.invalidHyperparameter(key: key, value: "\(v)",
                                                   reason: "matrix inputs must be a multiple of 32 wide")
        }
        guard rmsEpsilon.isFinite, rmsEpsilon >= 0 else {
            throw ModelError.invalidHyperparameter(key: p + "attention.layer_norm_rms_epsilon", value: "\(rmsEpsilon)",
                                                   reason: "must be finite and non-negative")
        }
        guard ropeFreqBase.isFinite, ropeFreqBase > 0 else {
            throw ModelError.invalidHyperparameter(key: p + "rope.freq_base", value: "\(ropeFreqBase)",
                                                   reason: "must be finite and positive")
        }
        for key in [p + "rope.scale_linear", p + "rope.scaling.factor"] {
            if let f = gguf.metadata[key]?.doubleValue, f != 0, f != 1 {
                throw ModelError.unsupportedFeature(key: key, reason: "rope scaling (factor \(f)) is not implemented")
            }
        }
        if let t = gguf.metadata[p + "rope.scaling.type"]?.stringValue, t != "none", t != "linear" {
            throw ModelError.unsupportedFeature(key: p + "rope.scaling.type", reason: "rope scaling '\(t)' is not implemented")
        }
        if let n = gguf.metadata[p + "expert_count"]?.intValue, n > 0 {
            throw ModelError.unsupportedFeature(key: p + "expert_count", reason: "mixture-of-experts is not implemented")
        }
    }

    // Caps keep a hostile file from making the state allocate without limit.
    private static let maxDimension = 1 << 20

    private static func string(_ f: GGUFFile, _ key: String) throws -> String {
        guard let v = f.metadata[key] else { throw ModelError.missingKey(key) }
        guard let s = v.stringValue else {
            throw ModelError.invalidHyperparameter(key: key, value: "\(v.type)", reason: "expected a string")
        }
        return s
    }

    private static func positive(_ f: GGUFFile, _ key: String) throws -> Int {
        guard let v = f.metadata[key] else { throw ModelError.missingKey(key) }
        guard let i = v.intValue else {
            throw ModelError.invalidHyperparameter(key: key, value: "\(v.type)", reason: "expected an integer")
        }
        guard i > 0, i <= maxDimension else {
            throw ModelError.invalidHyperparameter(key: key, value: "\(i)", reason: "must be in 1...\(maxDimension)")
        }
        return i
    }

    private static func float(_ f: GGUFFile, _ key: String) throws -> Float {
        guard let v = f.metadata[key] else { throw ModelError.missingKey(key) }
        guard let d = v.doubleValue else {
            throw ModelError.invalidHyperparameter(key: key, value: "\(v.type)", reason: "expected a number")
        }
        return Float(d)
    }
}
