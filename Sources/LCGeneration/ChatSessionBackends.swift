import Synchronization

/// The model side of a chat session: one KV cache over a fixed context, fed token ids at consecutive positions.
/// `LCModel.InferenceState` is the real one; tests use spies.
public protocol InferenceContext {
    /// Tokens currently held in the cache (the next evaluated token goes to this position).
    var position: Int { get }
    /// Most tokens the cache can hold.
    var contextLength: Int { get }
    /// Number of logits per evaluated position.
    var vocabularySize: Int { get }
    /// Runs `tokens` at positions `position...` and returns the last one's logits, (vocabularySize), valid until
    /// the next call.
    mutating func evaluate(_ tokens: [Int32]) throws -> UnsafeBufferPointer<Float>
    /// Forgets positions `position...` so that `position == newPosition`.
    mutating func truncate(to newPosition: Int) throws
}

/// The text side of a chat session.
public protocol ChatTokenizer {
    /// Token ids of `text`; `parseSpecial` turns control-token text such as `<|im_end|>` into its id.
    func encode(_ text: String, parseSpecial: Bool) throws -> [Int32]
    /// True for tokens that end the model's turn (eos, `<|im_end|>`, `<|eot_id|>`...).
    func isEndOfGeneration(_ token: Int32) -> Bool
    /// A fresh incremental decoder for one reply.
    func makeDetokenizer() -> any TokenDetokenizer
}

/// Turns a reply's tokens into text piece by piece, holding back incomplete UTF-8.
public protocol TokenDetokenizer {
    /// Adds one token; returns the text that became complete (possibly empty).
    mutating func push(_ token: Int32) -> String
    /// Returns whatever is still held back (invalid bytes as U+FFFD).
    mutating func finish() -> String
}

/// A flag another thread can raise to stop the reply being generated (checked once per token).
public final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    /// Creates a lowered flag.
    public init() {}
    /// Asks the current reply to stop.
    public func cancel() { raised.store(true, ordering: .relaxed) }
    /// Lowers the flag for the next reply.
    public func clear() { raised.store(false, ordering: .relaxed) }
    /// True once `cancel()` was called (and not cleared).
    public var isCancelled: Bool { raised.load(ordering: .relaxed) }
}
