import LCModel
import LCTokenizer

/// `InferenceState` is the real chat context: its KV cache is the session's history.
extension InferenceState: InferenceContext {
    /// The cache size chosen in `RuntimeOptions`.
    public var contextLength: Int { options.contextLength }
    /// The model's vocabulary (logits per position).
    public var vocabularySize: Int { model.hyperparameters.vocabSize }
}

/// The byte-level BPE tokenizer as a chat tokenizer.
public struct BPEChatTokenizer: ChatTokenizer, Sendable {
    /// The wrapped tokenizer.
    public let tokenizer: BPETokenizer
    private let endOfGeneration: Set<TokenID>

    /// Wraps `tokenizer`.
    public init(_ tokenizer: BPETokenizer) {
        self.tokenizer = tokenizer
        endOfGeneration = tokenizer.endOfGenerationIds
    }

    /// Token ids of `text` (no BOS is added: templates carry their own).
    public func encode(_ text: String, parseSpecial: Bool) throws -> [Int32] {
        tokenizer.encode(text, parseSpecial: parseSpecial)
    }

    /// llama.cpp's end-of-generation set (eos, `<|im_end|>`, ...), and any other control token: a chat reply
    /// never contains one, and a model that emits `<|im_start|>` is about to write the user's turn itself.
    public func isEndOfGeneration(_ token: Int32) -> Bool {
        endOfGeneration.contains(token) || tokenizer.isControl(token)
    }

    /// A streaming detokenizer that hides control tokens (a chat reply never shows `<|im_start|>`).
    public func makeDetokenizer() -> any TokenDetokenizer { BPEReplyDetokenizer(tokenizer) }
}

struct BPEReplyDetokenizer: TokenDetokenizer {
    private let tokenizer: BPETokenizer
    private var inner: StreamingDetokenizer

    init(_ tokenizer: BPETokenizer) {
        self.tokenizer = tokenizer
        inner = StreamingDetokenizer(tokenizer: tokenizer)
    }

    mutating func push(_ token: Int32) -> String {
        tokenizer.isControl(token) ? "" : inner.feed(token)
    }

    mutating func finish() -> String { inner.flush() }
}
