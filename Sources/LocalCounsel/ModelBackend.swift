/// What a loaded model provides to sessions: the shared weights behind a factory of per-session contexts, the
/// tokenizer and the chat template. `CounselModel.load` builds the real one; tests pass spies.
public protocol ModelBackend: Sendable {
    /// The chat format from the model file.
    var template: ChatTemplate { get }
    /// The model's trained context length.
    var trainedContextLength: Int { get }
    /// A tokenizer for one session.
    func makeTokenizer() throws -> any ChatTokenizer
    /// A fresh KV cache of `contextLength` tokens over the shared weights.
    func makeContext(contextLength: Int, threads: Int?) throws -> any InferenceContext
}
