import Foundation
import LCGGUF

/// A description of a GGUF model file, read from its header only (no weights are touched): what
/// `localcounsel info` prints. Hyperparameters are read generically from the `<architecture>.*` keys, so
/// any architecture is described; values that are absent or not numbers are left out (nil) rather than
/// failing, because this is a diagnostic view of files that may not be runnable.
public struct ModelInfo: Sendable, Codable, Equatable {
    /// The hyperparameters found under `<architecture>.*`.
    public struct Hyperparameters: Sendable, Codable, Equatable {
        /// Transformer blocks (`block_count`).
        public var blockCount: Int?
        /// Training context length in tokens.
        public var contextLength: Int?
        /// Width of the residual stream.
        public var embeddingLength: Int?
        /// Hidden width of the feed-forward network.
        public var feedForwardLength: Int?
        /// Attention (query) heads.
        public var headCount: Int?
        /// Key/value heads (fewer than `headCount` under grouped-query attention).
        public var headCountKV: Int?
        /// RoPE base frequency.
        public var ropeFreqBase: Float?
        /// Dimensions of each head that RoPE rotates.
        public var ropeDimensionCount: Int?
        /// Epsilon of the RMS norms.
        public var layerNormRMSEpsilon: Float?
        /// Vocabulary size (`<arch>.vocab_size`, else the tokenizer's token count).
        public var vocabSize: Int?

        enum CodingKeys: String, CodingKey {
            case blockCount = "block_count", contextLength = "context_length", embeddingLength = "embedding_length"
            case feedForwardLength = "feed_forward_length", headCount = "head_count", headCountKV = "head_count_kv"
            case ropeFreqBase = "rope_freq_base", ropeDimensionCount = "rope_dimension_count"
            case layerNormRMSEpsilon = "layer_norm_rms_epsilon", vocabSize = "vocab_size"
        }
    }

    /// What the tokenizer keys (`tokenizer.ggml.*`, `tokenizer.chat_template`) say.
    public struct TokenizerSummary: Sendable, Codable, Equatable {
        /// Tokenizer family, e.g. `gpt2` (byte-level BPE) or `llama` (SentencePiece).
        public var model: String?
        /// Pre-tokenizer name, e.g. `smollm`.
        public var pre: String?
        /// Number of tokens in the vocabulary.
        public var vocabSize: Int
        /// Number of BPE merges.
        public var mergeCount: Int
        /// Beginning-of-sequence token id.
        public var bosTokenID: Int?
        /// End-of-sequence token id.
        public var eosTokenID: Int?
        /// Unknown-token id.
        public var unknownTokenID: Int?
        /// Padding token id.
        public var paddingTokenID: Int?
        /// Whether the file carries a chat template.
        public var hasChatTemplate: Bool

        enum CodingKeys: String, CodingKey {
            case model, pre, vocabSize = "vocab_size", mergeCount = "merge_count", bosTokenID = "bos_token_id"
            case eosTokenID = "eos_token_id", unknownTokenID = "unknown_token_id", paddingTokenID = "padding_token_id"
            case hasChatTemplate = "has_chat_template"
        }
    }

    /// The file's path, as given.
    public var path: String
    /// Size of the file in bytes.
    public var fileSize: Int
    /// GGUF format version.
    public var ggufVersion: Int
    /// `general.architecture`, e.g. `llama`.
    public var architecture: String?
    /// `general.name`.
    public var name: String?
    /// Number of metadata keys.
    public var metadataCount: Int
    /// Number of tensors.
    public var tensorCount: Int
    /// Total number of weights over all tensors.
    public var parameterCount: Int
    /// Number of tensors of each element type, keyed by the ggml spelling (`Q4_1`, `F32`, ...).
    public var tensorTypes: [String: Int]
    /// Hyperparameters under `<architecture>.*`.
    public var hyperparameters: Hyperparameters
    /// Tokenizer summary.
    public var tokenizer: TokenizerSummary

    // Explicit snake_case keys: the JSON is a CLI contract, so it must not depend on a coder's strategy.
    enum CodingKeys: String, CodingKey {
        case path, fileSize = "file_size", ggufVersion = "gguf_version", architecture, name
        case metadataCount = "metadata_count", tensorCount = "tensor_count", parameterCount = "parameter_count"
        case tensorTypes = "tensor_types", hyperparameters, tokenizer
    }

    /// Opens `path` and describes it. Throws `GGUFError` for a missing, unreadable or malformed file.
    public init(path: String) throws {
        try self.init(file: GGUFFile(path: path))
    }

    /// Describes an already opened file.
    public init(file f: GGUFFile) throws {
        path = f.path
        fileSize = f.fileSize
        ggufVersion = Int(f.version)
        architecture = f.metadata["general.architecture"]?.stringValue
        name = f.metadata["general.name"]?.stringValue
        metadataCount = f.metadata.count
        tensorCount = f.tensors.count
        parameterCount = f.tensors.reduce(0) { $0 + $1.elementCount }
        tensorTypes = Dictionary(f.tensors.map { ($0.type.description, 1) }, uniquingKeysWith: +)

        let a = (architecture ?? "") + "."
        func int(_ key: String) -> Int? { f.metadata[key]?.intValue }
        func float(_ key: String) -> Float? { f.metadata[key]?.doubleValue.map { Float($0) } }
        func count(_ key: String) -> Int? { f.metadata[key]?.arrayValue?.count }

        let tokenCount = count("tokenizer.ggml.tokens")
        hyperparameters = Hyperparameters(
            blockCount: int(a + "block_count"),
            contextLength: int(a + "context_length"),
            embeddingLength: int(a + "embedding_length"),
            feedForwardLength: int(a + "feed_forward_length"),
            headCount: int(a + "attention.head_count"),
            headCountKV: int(a + "attention.head_count_kv"),
            ropeFreqBase: float(a + "rope.freq_base"),
            ropeDimensionCount: int(a + "rope.dimension_count"),
            layerNormRMSEpsilon: float(a + "attention.layer_norm_rms_epsilon"),
            vocabSize: int(a + "vocab_size") ?? tokenCount
        )
        tokenizer = TokenizerSummary(
            model: f.metadata["tokenizer.ggml.model"]?.stringValue,
            pre: f.metadata["tokenizer.ggml.pre"]?.stringValue,
            vocabSize: tokenCount ?? 0,
            mergeCount: count("tokenizer.ggml.merges") ?? 0,
            bosTokenID: int("tokenizer.ggml.bos_token_id"),
            eosTokenID: int("tokenizer.ggml.eos_token_id"),
            unknownTokenID: int("tokenizer.ggml.unknown_token_id"),
            paddingTokenID: int("tokenizer.ggml.padding_token_id"),
            hasChatTemplate: f.metadata["tokenizer.chat_template"]?.stringValue?.isEmpty == false
        )
    }

    /// One JSON object on one line, keys in snake_case and sorted, absent values left out.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
