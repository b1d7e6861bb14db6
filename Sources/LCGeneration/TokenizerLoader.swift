import LCGGUF
import LCTokenizer

/// Builds the tokenizer from a GGUF file's `tokenizer.ggml.*` metadata, reading it the way llama.cpp does.
public enum TokenizerLoader {
    /// llama.cpp's BOS and EOS id for a `gpt2` vocabulary whose file names none (used only when in range).
    static let gpt2DefaultSpecialId = 11

    /// Reads `tokenizer.ggml.model` (must be `gpt2`), `.tokens`, `.token_type`, `.merges`, `.pre`,
    /// `.bos_token_id`, `.eos_token_id`, `.eot_token_id` and `.add_bos_token`.
    ///
    /// Throws `GGUFError` for a missing or mistyped key and `TokenizerError` for a vocabulary that is not
    /// byte-level BPE or is inconsistent. As in llama.cpp, a special id outside the vocabulary is ignored.
    public static func load(from gguf: GGUFFile) throws -> BPETokenizer {
        let model = try gguf.string("tokenizer.ggml.model")
        guard model == "gpt2" else { throw TokenizerError.unsupportedTokenizerModel(model) }
        let pre = try gguf.optional("tokenizer.ggml.pre", gguf.string) ?? ""
        let kind = try PreTokenizerKind(ggufName: pre)
        let tokens = try gguf.array("tokenizer.ggml.tokens").strings()
        let types = try gguf.optional("tokenizer.ggml.token_type") { try gguf.array($0).integers() } ?? []
        let merges = try gguf.array("tokenizer.ggml.merges").strings()

        func specialId(_ key: String, default fallback: Int?) throws -> TokenID? {
            if let id = try gguf.optional(key, gguf.integer), id >= 0, id < tokens.count { return TokenID(id) }
            guard let fallback, fallback < tokens.count else { return nil }
            return TokenID(fallback)
        }
        let bos = try specialId("tokenizer.ggml.bos_token_id", default: gpt2DefaultSpecialId)
        let eos = try specialId("tokenizer.ggml.eos_token_id", default: gpt2DefaultSpecialId)
        let eot = try specialId("tokenizer.ggml.eot_token_id", default: nil)

        var addBOS = kind.addsBOSByDefault
        if let value = gguf.metadata["tokenizer.ggml.add_bos_token"] {
            guard let flag = value.boolValue else {
                throw GGUFError.typeMismatch(key: "tokenizer.ggml.add_bos_token", expected: "bool", found: "\(value.type)")
            }
            addBOS = flag
        }
        return try BPETokenizer(tokens: tokens, tokenTypes: types, merges: merges, bosId: bos, eosId: eos,
                                eotId: eot, addBOS: addBOS, preTokenizer: kind)
    }
}
