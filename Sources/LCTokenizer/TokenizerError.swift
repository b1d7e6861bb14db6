import Foundation

/// Why a tokenizer could not be built. Each case names the token, merge or setting at fault; none carries
/// user text.
public enum TokenizerError: LocalizedError, Equatable, Sendable {
    /// The vocabulary is empty.
    case emptyVocabulary
    /// `tokenTypes` does not have one entry per token.
    case tokenTypeCountMismatch(tokens: Int, types: Int)
    /// Too many tokens for 32-bit ids.
    case vocabularyTooLarge(Int)
    /// The same token text appears twice (llama.cpp refuses such a vocabulary too).
    case duplicateToken(text: String, firstId: Int, secondId: Int)
    /// A merge line is not two tokens separated by one space.
    case malformedMerge(rank: Int, merge: String)
    /// A merge names a token (one of its two parts) that is not in the vocabulary.
    case mergeNamesUnknownToken(rank: Int, token: String)
    /// A merge would produce a text that is not in the vocabulary.
    case mergeResultNotInVocabulary(rank: Int, result: String)
    /// A special token id (BOS, EOS, EOT) is outside the vocabulary.
    case specialTokenOutOfRange(name: String, id: Int, vocabularySize: Int)
    /// `addBOS` is set but there is no BOS token.
    case addBOSWithoutBOSToken
    /// The pre-tokenizer name (GGUF `tokenizer.ggml.pre`) is not one this tokenizer implements.
    case unsupportedPreTokenizer(String)
    /// The tokenizer model (GGUF `tokenizer.ggml.model`) is not byte-level BPE (`gpt2`).
    case unsupportedTokenizerModel(String)

    public var errorDescription: String? {
        switch self {
        case .emptyVocabulary:
            return "tokenizer vocabulary is empty"
        case let .tokenTypeCountMismatch(tokens, types):
            return "tokenizer has \(tokens) tokens but \(types) token types"
        case let .vocabularyTooLarge(n):
            return "tokenizer vocabulary of \(n) tokens is too large for 32-bit token ids"
        case let .duplicateToken(text, a, b):
            return "tokenizer vocabulary has token \(text.debugDescription) twice (ids \(a) and \(b))"
        case let .malformedMerge(rank, merge):
            return "tokenizer merge #\(rank) \(merge.debugDescription) is not two tokens separated by a space"
        case let .mergeNamesUnknownToken(rank, token):
            return "tokenizer merge #\(rank) names \(token.debugDescription), which is not in the vocabulary"
        case let .mergeResultNotInVocabulary(rank, result):
            return "tokenizer merge #\(rank) produces \(result.debugDescription), which is not in the vocabulary"
        case let .specialTokenOutOfRange(name, id, size):
            return "tokenizer \(name) token id \(id) is outside the vocabulary (size \(size))"
        case .addBOSWithoutBOSToken:
            return "tokenizer is asked to add a BOS token but has no BOS token id"
        case let .unsupportedPreTokenizer(name):
            return "unsupported pre-tokenizer '\(name)' (supported: smollm and the starcoder family, gpt-2, "
                + "llama3 / llama-bpe, default)"
        case let .unsupportedTokenizerModel(name):
            return "unsupported tokenizer model '\(name)': only byte-level BPE ('gpt2') is implemented"
        }
    }
}
