import LCGGUF
import LCKernels

/// A float vector that lives in the file mapping (norm weights). `@unchecked Sendable`: read-only memory kept
/// alive by the `GGUFFile` the model holds.
public struct FloatVectorView: @unchecked Sendable {
    /// First element.
    public let base: UnsafePointer<Float>
    /// Number of elements.
    public let count: Int
}

/// The weights of one transformer block, all views into the mapping.
public struct LayerWeights: Sendable {
    /// RMSNorm weight before attention, `(dim)`.
    public let attentionNorm: FloatVectorView
    /// Query projection, `(queryDim rows × dim cols)`.
    public let wq: WeightMatrix
    /// Key projection, `(kvDim × dim)`.
    public let wk: WeightMatrix
    /// Value projection, `(kvDim × dim)`.
    public let wv: WeightMatrix
    /// Attention output projection, `(dim × queryDim)`.
    public let wo: WeightMatrix
    /// RMSNorm weight before the feed-forward network, `(dim)`.
    public let ffnNorm: FloatVectorView
    /// SwiGLU gate, `(ffn × dim)`.
    public let gate: WeightMatrix
    /// SwiGLU up projection, `(ffn × dim)`.
    public let up: WeightMatrix
    /// Down projection, `(dim × ffn)`.
    public let down: WeightMatrix
}

/// A llama-architecture model: hyperparameters and weights as views into the GGUF mapping (never copied).
/// Immutable and shareable: every session makes its own `InferenceState` from one model.
public final class LlamaModel: Sendable {
    /// The file the weights point into (kept alive with the model).
    public let file: GGUFFile
    /// The model's shape.
    public let hyperparameters: ModelHyperparameters
    /// Token embedding, `(vocab rows × dim cols)`.
    public let tokenEmbedding: WeightMatrix
    /// Final RMSNorm weight, `(dim)`.
    public let outputNorm: FloatVectorView
    /// Output (logit) matrix, `(vocab × dim)`; the token embedding when the output is tied.
    public let output: WeightMatrix
    /// Per-layer weights, `blockCount` entries.
    public let layers: [LayerWeights]
    /// RoPE frequency divisors (`rope_freqs.weight`, `(ropeDimensionCount / 2)`), when the file has them.
    public let ropeFrequencyFactors: FloatVectorView?

    /// Reads the hyperparameters and checks every tensor's presence, shape, type and bounds.
    public init(file: GGUFFile) throws {
        self.file = file
        let hp = try ModelHyperparameters(gguf: file)
        hyperparameters = hp
        let dim = hp.embeddingLength
        tokenEmbedding = try Self.matrix(file, "token_embd.weight", rows: hp.vocabSize, cols: dim)
        outputNorm = try Self.vector(file, "output_norm.weight", count: dim)
        output = hp.tiedOutput ? tokenEmbedding : try Self.matrix(file, "output.weight", rows: hp.vocabSize, cols: dim)
        ropeFrequencyFactors = file.tensor(named: "rope_freqs.weight") == nil
            ? nil : try Self.vector(file, "rope_freqs.weight", count: hp.ropeDimensionCount / 2)
        var layers: [LayerWeights] = []
        layers.reserveCapacity(hp.blockCount)
        for i in 0..<hp.blockCount {
            let b = "blk.\(i)."
            layers.append(LayerWeights(
                attentionNorm: try Self.vector(file, b + "attn_norm.weight", count: dim),
                wq: try Self.matrix(file, b + "attn_q.weight", rows: hp.queryDim, cols: dim),
                wk: try Self.matrix(file, b + "attn_k.weight", rows: hp.kvDim, cols: dim),
                wv: try Self.matrix(file, b + "attn_v.weight", rows: hp.kvDim, cols: dim),
                wo: try Self.matrix(file, b + "attn_output.weight", rows: dim, cols: hp.queryDim),
                ffnNorm: try Self.vector(file, b + "ffn_norm.weight", count: dim),
                gate: try Self.matrix(file, b + "ffn_gate.weight", rows: hp.feedForwardLength, cols: dim),
                up: try Self.matrix(file, b + "ffn_up.weight", rows: hp.feedForwardLength, cols: dim),
                down: try Self.matrix(file, b + "ffn_down.weight", rows: dim, cols: hp.feedForwardLength)))
        }
        self.layers = layers
    }

    /// Opens `path` and loads the model from it.
    public convenience init(path: String) throws {
        try self.init(file: GGUFFile(path: path))
    }

    private static func info(_ f: GGUFFile, _ name: String, shape: [Int]) throws -> GGUFTensorInfo {
        guard let t = f.tensor(named: name) else { throw ModelError.missingTensor(name) }
        guard t.shape == shape else { throw ModelError.tensorShapeMismatch(tensor: name, expected: shape, found: t.shape) }
        guard let bytes = t.type.byteCount(elements: t.elementCount), bytes == t.byteCount,
              t.fileOffset >= 0, t.fileOffset <= f.fileSize, t.byteCount <= f.fileSize - t.fileOffset else {
            throw ModelError.tensorOutOfBounds(tensor: name)
        }
        return t
    }

    private static func matrix(_ f: GGUFFile, _ name: String, rows: Int, cols: Int) throws -> WeightMatrix {
        let t = try info(f, name, shape: [cols, rows])
        guard MatVec.supports(t.type), Dequantize.supportedTypes.contains(t.type) else {
            throw ModelError.unsupportedTensorType(tensor: name, type: t.type)
        }
        return WeightMatrix(type: t.type, rows: rows, cols: cols, data: f.data(of: t))
    }

    private static func vector(_ f: GGUFFile, _ name: String, count: Int) throws -> FloatVectorView {
        let t = try info(f, name, shape: [count])
        // Norm weights are F32 in every llama GGUF; other types would need an owned copy.
        guard t.type == .f32 else { throw ModelError.unsupportedTensorType(tensor: name, type: t.type) }
        guard Int(bitPattern: f.data(of: t)) % MemoryLayout<Float>.alignment == 0 else {
            throw ModelError.tensorOutOfBounds(tensor: name)
        }
        return FloatVectorView(base: f.data(of: t).assumingMemoryBound(to: Float.self), count: count)
    }
}
