/// What the caller chooses for one inference state (ggml's `llama_cparams`), apart from what the file fixes.
public struct RuntimeOptions: Sendable, Equatable {
    /// Tokens the KV cache holds (at most the model's trained context length, checked by `InferenceState`).
    public let contextLength: Int
    /// Threads that split each matrix product (the caller's thread included).
    public let threads: Int
    /// Most tokens that go through the layers together; longer inputs are processed in batches of this size.
    public let batchSize: Int
    /// Whether `InferenceState.evaluateAllPositions` is available (it needs `batchSize × vocab` floats more).
    public let allPositionLogits: Bool

    /// Largest accepted values: beyond these no 2-core machine goes, and a typo cannot allocate the world.
    public static let maxThreads = 256
    /// Largest accepted context length.
    public static let maxContextLength = 1 << 20

    /// Validates and creates options. The batch size is clamped to the context length.
    public init(contextLength: Int = 2048, threads: Int = 2, batchSize: Int = 512, allPositionLogits: Bool = false) throws {
        guard (1...Self.maxContextLength).contains(contextLength) else {
            throw ModelError.invalidOption(name: "context length", value: contextLength,
                                           reason: "must be in 1...\(Self.maxContextLength)")
        }
        guard (1...Self.maxThreads).contains(threads) else {
            throw ModelError.invalidOption(name: "thread count", value: threads, reason: "must be in 1...\(Self.maxThreads)")
        }
        guard batchSize >= 1 else {
            throw ModelError.invalidOption(name: "batch size", value: batchSize, reason: "must be at least 1")
        }
        self.contextLength = contextLength
        self.threads = threads
        self.batchSize = min(batchSize, contextLength)
        self.allPositionLogits = allPositionLogits
    }
}
