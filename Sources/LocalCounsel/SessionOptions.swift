/// Settings of one counseling session, validated on creation. `Sendable`: build once, open many sessions.
public struct SessionOptions: Sendable, Equatable {
    /// The default system prompt: supportive, non-clinical listening.
    public static let defaultSystemPrompt = """
        You are a supportive listener in a clinic's chat. Listen carefully, reflect back what the person says, \
        and ask gentle, open questions. You are an AI, not a clinician: do not diagnose, do not give medical or \
        medication advice, and encourage the person to reach out to a professional or someone they trust when \
        that could help. Keep replies short, warm and plain.
        """

    /// The system prompt.
    public let systemPrompt: String
    /// How tokens are chosen.
    public let sampling: SamplingParameters
    /// Most tokens per reply. Range [1, 65536].
    public let maxTokens: Int
    /// Texts that end a reply (not shown).
    public let stopStrings: [String]
    /// KV-cache size in tokens; nil: 2048, capped at the model's trained context. Range [64, 131072].
    public let contextLength: Int?
    /// Worker threads; nil: the model's default (physical cores). Range [1, 256].
    public let threads: Int?
    /// The user's country for helplines; nil: the crisis response asks for it.
    public let country: CountryCode?

    /// Creates validated options; throws `CounselError.invalidOption` naming the bad value.
    public init(systemPrompt: String = SessionOptions.defaultSystemPrompt,
                sampling: SamplingParameters? = nil, maxTokens: Int = 256, stopStrings: [String] = [],
                contextLength: Int? = nil, threads: Int? = nil, country: CountryCode? = nil) throws {
        guard (1...65_536).contains(maxTokens) else {
            throw CounselError.invalidOption("max-tokens must be in [1, 65536], got \(maxTokens)")
        }
        if let c = contextLength, !(64...131_072).contains(c) {
            throw CounselError.invalidOption("context length must be in [64, 131072], got \(c)")
        }
        if let t = threads, !(1...256).contains(t) {
            throw CounselError.invalidOption("threads must be in [1, 256], got \(t)")
        }
        guard stopStrings.count <= 16, stopStrings.allSatisfy({ (1...64).contains($0.count) }) else {
            throw CounselError.invalidOption("stop strings: at most 16, each 1 to 64 characters")
        }
        self.systemPrompt = systemPrompt
        self.sampling = try sampling ?? SamplingParameters()
        self.maxTokens = maxTokens
        self.stopStrings = stopStrings
        self.contextLength = contextLength
        self.threads = threads
        self.country = country
    }
}
