import Foundation

/// A model loaded once, from which any number of counseling sessions are opened. Thread-safe: the weights are
/// shared read-only; each session has its own KV cache.
///
/// ```swift
/// let model = try CounselModel.load()                 // default model, bundled safety policy
/// let session = try model.openSession()
/// for try await event in session.send("I can't sleep lately") {
///     if case .text(let piece) = event { print(piece, terminator: "") }
/// }
/// ```
public final class CounselModel: Sendable {
    /// The weights, tokenizer and template behind every session.
    public let backend: any ModelBackend
    private let safety: @Sendable () throws -> SafetyLayer

    /// Wraps a backend; `safety` is called for every new session, and a failure there stops the session from
    /// opening (fail closed).
    public init(backend: any ModelBackend, safety: @escaping @Sendable () throws -> SafetyLayer) {
        self.backend = backend
        self.safety = safety
    }

    /// Opens a session with its own KV cache. Throws when the safety layer cannot load, the options do not
    /// fit the model, or the cache cannot be allocated.
    public func openSession(_ options: SessionOptions? = nil) throws -> CounselSession {
        let options = try options ?? SessionOptions()
        let layer: SafetyLayer
        do {
            layer = try safety()
        } catch {
            throw CounselError.safetyUnavailable(error.localizedDescription)
        }
        let trained = max(64, backend.trainedContextLength)
        if let asked = options.contextLength, asked > trained {
            throw CounselError.invalidOption("context length \(asked) exceeds the \(trained) tokens the model was trained for")
        }
        let ctx = options.contextLength ?? min(2048, trained)
        let context = try backend.makeContext(contextLength: ctx, threads: options.threads)
        let configuration = try ChatSessionConfiguration(
            systemPrompt: options.systemPrompt, sampling: options.sampling, maxTokens: options.maxTokens,
            stopStrings: options.stopStrings)
        let engine = try ChatSession(context: context, tokenizer: try backend.makeTokenizer(),
                                     template: backend.template, configuration: configuration)
        return CounselSession(engine: engine, safety: layer, options: options)
    }
}
