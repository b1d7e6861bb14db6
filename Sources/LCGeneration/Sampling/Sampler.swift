import Foundation

/// One stage of token selection: filters or reshapes the candidates, or (a selecting stage) sets
/// `candidates.selected`. Stages compose into a `SamplerChain`, which is itself a `Sampler`.
public protocol Sampler {
    /// Applies this stage to the candidates of one step.
    mutating func apply(to candidates: TokenCandidates)
    /// Tells the stage which token was finally chosen (penalties remember it); default: nothing.
    mutating func accept(_ token: Int32)
    /// Forgets all history (a new conversation); default: nothing.
    mutating func reset()
}

extension Sampler {
    /// Stages without memory ignore accepted tokens.
    public mutating func accept(_ token: Int32) {}
    /// Stages without memory have nothing to reset.
    public mutating func reset() {}
}

/// Stages applied in order; stops early once a stage has selected a token.
public struct SamplerChain: Sampler {
    /// The stages, first applied first.
    public private(set) var stages: [any Sampler]

    /// Creates a chain of `stages`.
    public init(_ stages: [any Sampler]) { self.stages = stages }

    /// Runs every stage until one selects a token.
    public mutating func apply(to candidates: TokenCandidates) {
        for i in stages.indices {
            if candidates.selected != nil { return }
            stages[i].apply(to: candidates)
        }
    }

    /// Forwards the chosen token to every stage.
    public mutating func accept(_ token: Int32) {
        for i in stages.indices { stages[i].accept(token) }
    }

    /// Resets every stage.
    public mutating func reset() {
        for i in stages.indices { stages[i].reset() }
    }
}

/// Keeps the k most likely candidates (k = 0: no-op).
public struct TopKSampler: Sampler {
    /// How many to keep.
    public let k: Int
    /// Creates the stage.
    public init(k: Int) { self.k = k }
    /// Truncates to the top k, sorted.
    public func apply(to candidates: TokenCandidates) {
        if k > 0 { candidates.keepTop(k) }
    }
}

/// Nucleus sampling: keeps the smallest most-likely prefix whose probability reaches p (p = 1: no-op).
public struct TopPSampler: Sampler {
    /// Probability mass to keep.
    public let p: Float
    /// Creates the stage.
    public init(p: Float) { self.p = p }
    /// Sorts (partially, by heap extraction) and truncates.
    public func apply(to candidates: TokenCandidates) {
        if p < 1 { candidates.sortDescending(untilMass: p) }
    }
}

/// Keeps tokens at least `p` times as likely as the most likely one (p = 0: no-op). Needs no sort:
/// p_i ≥ p · p_max  ⇔  logit_i ≥ logit_max + ln p.
public struct MinPSampler: Sampler {
    /// Relative probability floor.
    public let p: Float
    /// Creates the stage.
    public init(p: Float) { self.p = p }
    /// Filters in place.
    public func apply(to candidates: TokenCandidates) {
        guard p > 0, let top = candidates.argmax() else { return }
        candidates.keepLogits(atLeast: candidates.logits[top] + logf(p))
    }
}

/// Divides logits by the temperature (must be > 0; a chain for temperature 0 uses `GreedySampler` instead).
public struct TemperatureSampler: Sampler {
    /// The temperature.
    public let temperature: Float
    /// Creates the stage.
    public init(temperature: Float) { self.temperature = temperature }
    /// Scales live logits.
    public func apply(to candidates: TokenCandidates) {
        guard temperature > 0, temperature != 1 else { return }
        let inv = 1 / temperature
        for i in 0..<candidates.count { candidates.logits[i] *= inv }
    }
}

/// Selects the most likely candidate (smallest id on ties).
public struct GreedySampler: Sampler {
    /// Creates the stage.
    public init() {}
    /// Sets `selected` to the argmax.
    public func apply(to candidates: TokenCandidates) {
        if let i = candidates.argmax() { candidates.selected = candidates.ids[i] }
    }
}

/// Draws one candidate from the softmax of the live logits with a seeded generator.
public struct DistributionSampler: Sampler {
    /// The seed the generator restarts from on `reset()`.
    public let seed: UInt64
    private var random: SeededRandom

    /// Creates the stage seeded with `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        random = SeededRandom(seed: seed)
    }

    /// Draws a token; the scan is in candidate order, so the same state and logits give the same token.
    public mutating func apply(to candidates: TokenCandidates) {
        guard candidates.count > 0 else { return }
        candidates.computeProbabilities()
        let u = Float(random.nextUnit())
        var cumulative: Float = 0
        for i in 0..<candidates.count {
            cumulative += candidates.probabilities[i]
            if u < cumulative { candidates.selected = candidates.ids[i]; return }
        }
        // Rounding left u above the total: the last live candidate is the right answer.
        candidates.selected = candidates.ids[candidates.count - 1]
    }

    /// Restarts the random stream.
    public mutating func reset() { random = SeededRandom(seed: seed) }
}
