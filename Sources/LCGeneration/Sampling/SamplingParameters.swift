import Foundation

/// How the next token is chosen from the model's logits. Validated on creation, so a value of this type is
/// always usable; `temperature == 0` means greedy decoding (every other knob but the penalties is then moot).
///
/// The chain applied is llama.cpp's default order: penalties → top-k → top-p → min-p → temperature → draw.
public struct SamplingParameters: Sendable, Equatable {
    /// Softmax temperature; 0 selects the most likely token (greedy). Range [0, 100].
    public let temperature: Float
    /// Keep only the k most likely tokens; 0 disables. Range [0, 100 000].
    public let topK: Int
    /// Keep the smallest set of most likely tokens whose probability mass reaches p; 1 disables. Range (0, 1].
    public let topP: Float
    /// Drop tokens less likely than `minP` × the top token's probability; 0 disables. Range [0, 1].
    public let minP: Float
    /// Divides positive logits (multiplies negative ones) of tokens seen in the window; 1 disables. Range (0, 10].
    public let repetitionPenalty: Float
    /// Subtracted from a token's logit once per occurrence in the window; 0 disables. Range [-2, 2].
    public let frequencyPenalty: Float
    /// Subtracted once from the logit of any token present in the window; 0 disables. Range [-2, 2].
    public let presencePenalty: Float
    /// How many of the most recently generated tokens the penalties look at; 0 disables them. Range [0, 4096].
    public let penaltyWindow: Int
    /// Seed of the random generator: the same seed and the same logits give the same tokens.
    public let seed: UInt64

    /// Creates validated sampling parameters; throws `SamplingParameterError` naming the first bad value.
    public init(temperature: Float = 0.6, topK: Int = 40, topP: Float = 0.9, minP: Float = 0.05,
                repetitionPenalty: Float = 1.1, frequencyPenalty: Float = 0, presencePenalty: Float = 0,
                penaltyWindow: Int = 64, seed: UInt64 = 0x5EED) throws {
        try Self.check("temperature", temperature, temperature.isFinite && temperature >= 0 && temperature <= 100,
                       "in [0, 100]")
        try Self.check("top-k", topK, topK >= 0 && topK <= 100_000, "in [0, 100000] (0 disables)")
        try Self.check("top-p", topP, topP.isFinite && topP > 0 && topP <= 1, "in (0, 1]")
        try Self.check("min-p", minP, minP.isFinite && minP >= 0 && minP <= 1, "in [0, 1]")
        try Self.check("repeat-penalty", repetitionPenalty,
                       repetitionPenalty.isFinite && repetitionPenalty > 0 && repetitionPenalty <= 10, "in (0, 10]")
        try Self.check("frequency-penalty", frequencyPenalty,
                       frequencyPenalty.isFinite && abs(frequencyPenalty) <= 2, "in [-2, 2]")
        try Self.check("presence-penalty", presencePenalty,
                       presencePenalty.isFinite && abs(presencePenalty) <= 2, "in [-2, 2]")
        try Self.check("penalty window", penaltyWindow, penaltyWindow >= 0 && penaltyWindow <= 4096, "in [0, 4096]")
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.penaltyWindow = penaltyWindow
        self.seed = seed
    }

    /// Greedy decoding with no penalties: the model's single most likely token every step.
    public static let greedy: SamplingParameters = {
        // Every value below is in range, so the validating init cannot fail; `try?` keeps `try!` out.
        (try? SamplingParameters(temperature: 0, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1,
                                 penaltyWindow: 0)) ?? SamplingParameters(unchecked: ())
    }()

    /// True when the draw is deterministic argmax.
    public var isGreedy: Bool { temperature == 0 }

    /// True when at least one penalty would change a logit.
    public var hasPenalties: Bool {
        penaltyWindow > 0 && (repetitionPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0)
    }

    private init(unchecked: Void) {
        temperature = 0; topK = 0; topP = 1; minP = 0; repetitionPenalty = 1
        frequencyPenalty = 0; presencePenalty = 0; penaltyWindow = 0; seed = 0
    }

    private static func check<T>(_ name: String, _ value: T, _ ok: Bool, _ expected: String) throws {
        if !ok { throw SamplingParameterError.outOfRange(name: name, value: "\(value)", expected: expected) }
    }
}

/// A sampling parameter outside its range.
public enum SamplingParameterError: LocalizedError, Equatable, Sendable {
    /// `name` had `value`; it must be `expected` (e.g. "in (0, 1]").
    case outOfRange(name: String, value: String, expected: String)

    /// A one-line description, e.g. "top-p must be in (0, 1], got 1.5".
    public var errorDescription: String? {
        switch self {
        case let .outOfRange(name, value, expected): return "\(name) must be \(expected), got \(value)"
        }
    }
}
