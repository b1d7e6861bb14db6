/// Which pre-tokenizer (the regex split that runs before BPE) a model uses, from GGUF `tokenizer.ggml.pre`.
///
/// Only names whose behaviour llama.cpp gives exactly by one of these splits are accepted; names llama.cpp
/// pairs with extra per-model rules (separator tokens, stripped spaces around `<mask>`, ...) are refused
/// rather than tokenized slightly differently.
public enum PreTokenizerKind: String, Sendable, CaseIterable {
    /// Every digit alone, then GPT-2's split: llama.cpp's `smollm` and the StarCoder family
    /// (`\p{N}` then `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`).
    case smollm
    /// GPT-2's split alone (llama.cpp's `gpt-2`, `phi-2`, `mpt`, `olmo`, ...).
    case gpt2
    /// Llama 3's split, with whole-word vocabulary hits bypassing the merges (`ignore_merges`).
    case llama3
    /// Llama 3's split with merges always applied (llama.cpp's `dbrx`, `smaug-bpe`).
    case llama3Merged
    /// llama.cpp's fallback for a missing or `default` name: punctuation runs, GPT-2's split, number runs,
    /// then groups of three ASCII digits.
    case `default`

    /// Maps a GGUF `tokenizer.ggml.pre` value to a kind; an empty name is `default`, as in llama.cpp.
    public init(ggufName name: String) throws {
        switch name {
        case "", "default":
            self = .default
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b", "mellum2":
            self = .smollm
        case "gpt-2", "phi-2", "gigachat", "a.x-4.0", "mellum", "mpt", "olmo", "jais", "trillion",
             "granite-docling", "exaone4":
            self = .gpt2
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
             "jina-v5-nano":
            self = .llama3
        case "dbrx", "smaug-bpe":
            self = .llama3Merged
        default:
            throw TokenizerError.unsupportedPreTokenizer(name)
        }
    }

    /// Whether a word that is itself a vocabulary entry becomes that token without merging.
    var ignoresMerges: Bool { self == .llama3 }

    /// Whether llama.cpp adds BOS for this pre-tokenizer when the file does not say (`add_bos_token`).
    public var addsBOSByDefault: Bool { self == .llama3 }
}
