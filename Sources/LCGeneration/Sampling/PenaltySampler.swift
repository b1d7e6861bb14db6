/// Repetition, frequency and presence penalties over the last `window` accepted tokens (llama.cpp's formulas):
/// a seen token's logit is divided by `repetition` when positive (multiplied when negative), then lowered by
/// `frequency × count + presence`. Counts are kept incrementally, so a step costs O(window), never O(vocab).
public struct PenaltySampler: Sampler {
    /// The penalties and window size.
    public let repetition: Float, frequency: Float, presence: Float, window: Int
    private let vocabularySize: Int
    private var history: [Int32]   // ring buffer of accepted tokens, (window)
    private var head = 0           // next slot to write
    private var filled = 0
    private var counts: [Int32]    // occurrences in the window per token id, (vocabularySize)
    private var applied: [UInt32]  // stamp per token id: penalised in step `stamp` already, (vocabularySize)
    private var stamp: UInt32 = 0

    /// Creates the stage; all buffers are allocated here, once.
    public init(repetition: Float, frequency: Float, presence: Float, window: Int, vocabularySize: Int) {
        self.repetition = repetition
        self.frequency = frequency
        self.presence = presence
        self.window = max(0, window)
        self.vocabularySize = max(1, vocabularySize)
        history = [Int32](repeating: 0, count: max(1, window))
        counts = [Int32](repeating: 0, count: self.vocabularySize)
        applied = [UInt32](repeating: 0, count: self.vocabularySize)
    }

    /// Penalises every distinct token in the window once.
    public mutating func apply(to candidates: TokenCandidates) {
        guard window > 0, filled > 0 else { return }
        stamp &+= 1
        if stamp == 0 {  // wrapped: clear stamps so an old one cannot match
            for i in applied.indices { applied[i] = 0 }
            stamp = 1
        }
        if candidates.isIdentityOrder {
            for j in 0..<filled {
                let t = Int(history[j])
                guard t < candidates.count, applied[t] != stamp else { continue }
                applied[t] = stamp
                candidates.logits[t] = penalised(candidates.logits[t], count: counts[t])
            }
        } else {
            // Candidates were reordered by an earlier stage: look each one up instead.
            for i in 0..<candidates.count {
                let t = Int(candidates.ids[i])
                if t < vocabularySize && counts[t] > 0 {
                    candidates.logits[i] = penalised(candidates.logits[i], count: counts[t])
                }
            }
        }
    }

    /// Adds `token` to the window, evicting the oldest when full.
    public mutating func accept(_ token: Int32) {
        guard window > 0, token >= 0, Int(token) < vocabularySize else { return }
        if filled == window {
            counts[Int(history[head])] -= 1
        } else {
            filled += 1
        }
        history[head] = token
        counts[Int(token)] += 1
        head = (head + 1) % window
    }

    /// Empties the window.
    public mutating func reset() {
        for j in 0..<filled { counts[Int(history[j])] = 0 }
        head = 0
        filled = 0
    }

    @inline(__always) private func penalised(_ logit: Float, count: Int32) -> Float {
        var l = logit
        if repetition != 1 { l = l > 0 ? l / repetition : l * repetition }
        return l - Float(count) * frequency - (count > 0 ? presence : 0)
    }
}
