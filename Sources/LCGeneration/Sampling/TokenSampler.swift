/// Chooses the next token from a step's logits with the chain that `SamplingParameters` describe. Owns the
/// candidate buffers, so sampling allocates nothing after creation. One per session (it is stateful: the
/// penalty window and the random stream).
public final class TokenSampler {
    /// The parameters the chain was built from.
    public let parameters: SamplingParameters
    /// The candidates of the last step (inspectable after `sample`).
    public let candidates: TokenCandidates
    private var chain: SamplerChain

    /// Builds the chain for `parameters` over a vocabulary of `vocabularySize` tokens.
    public init(parameters: SamplingParameters, vocabularySize: Int) {
        self.parameters = parameters
        candidates = TokenCandidates(capacity: vocabularySize)
        chain = SamplerChain(Self.stages(for: parameters, vocabularySize: vocabularySize))
    }

    /// Wraps a custom chain (its last stage must select, or the argmax is taken).
    public init(chain: SamplerChain, parameters: SamplingParameters, vocabularySize: Int) {
        self.parameters = parameters
        candidates = TokenCandidates(capacity: vocabularySize)
        self.chain = chain
    }

    /// The stages llama.cpp applies by default: penalties → top-k → top-p → min-p → temperature → draw;
    /// greedy when the temperature is 0.
    public static func stages(for p: SamplingParameters, vocabularySize: Int) -> [any Sampler] {
        var stages: [any Sampler] = []
        if p.hasPenalties {
            stages.append(PenaltySampler(repetition: p.repetitionPenalty, frequency: p.frequencyPenalty,
                                         presence: p.presencePenalty, window: p.penaltyWindow,
                                         vocabularySize: vocabularySize))
        }
        if p.isGreedy {
            stages.append(GreedySampler())
            return stages
        }
        if p.topK > 0 { stages.append(TopKSampler(k: p.topK)) }
        if p.topP < 1 { stages.append(TopPSampler(p: p.topP)) }
        if p.minP > 0 { stages.append(MinPSampler(p: p.minP)) }
        stages.append(TemperatureSampler(temperature: p.temperature))
        stages.append(DistributionSampler(seed: p.seed))
        return stages
    }

    /// Picks the next token from `logits` (the model's output for the last position). Does not accept it.
    public func sample(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        candidates.load(logits)
        chain.apply(to: candidates)
        if let s = candidates.selected { return s }
        return candidates.argmax().map { candidates.ids[$0] } ?? 0
    }

    /// Records the token finally used (feeds the penalty window).
    public func accept(_ token: Int32) { chain.accept(token) }

    /// Forgets the penalty window and restarts the random stream from the seed.
    public func reset() { chain.reset() }
}
