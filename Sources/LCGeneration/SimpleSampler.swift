import Foundation

/// Errors in sampler settings.
public enum SimpleSamplerError: LocalizedError, Equatable, Sendable {
    /// The temperature is negative, infinite or NaN.
    case invalidTemperature(Float)

    public var errorDescription: String? {
        switch self {
        case let .invalidTemperature(t): return "invalid temperature \(t): must be a finite number >= 0"
        }
    }
}

/// The `generate` command's sampler: greedy at temperature 0 (the first of equal maxima, as llama.cpp's
/// greedy sampler), otherwise a draw from `softmax(logits / temperature)` with a seeded generator, so the same
/// seed and input give the same output. (The full sampler chain — top-k/p, min-p, penalties — is
/// `SamplerChain`'s.)
public struct SimpleSampler: Sendable {
    /// 0 means greedy.
    public let temperature: Float
    private var rng: SplitMix64

    /// Validates the temperature and seeds the generator.
    public init(temperature: Float, seed: UInt64) throws {
        guard temperature.isFinite, temperature >= 0 else { throw SimpleSamplerError.invalidTemperature(temperature) }
        self.temperature = temperature
        rng = SplitMix64(seed: seed)
    }

    /// Picks the next token from `logits` (one per vocabulary entry). Allocates nothing.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        if temperature == 0 { return Int32(best) }
        // Two passes over the logits: the normaliser, then the inverse CDF at a uniform draw.
        let inv = 1 / temperature, top = logits[best]
        var total: Double = 0
        for v in logits { total += Double(expf((v - top) * inv)) }
        var target = rng.nextUnit() * total
        for i in logits.indices {
            target -= Double(expf((logits[i] - top) * inv))
            if target <= 0 { return Int32(i) }
        }
        return Int32(best)
    }
}

/// SplitMix64: a tiny, well-mixed 64-bit generator, deterministic for a given seed on every platform.
struct SplitMix64: Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
