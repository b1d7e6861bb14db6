import Foundation
import LCModel

/// Perplexity the way llama.cpp's `llama-perplexity` computes it: the text's tokens cut into non-overlapping
/// chunks of `contextLength` tokens, each evaluated from an empty cache (the first token replaced by BOS when
/// the model adds one), and the predictions for the second half of each chunk scored.
public enum Perplexity {
    /// Per-chunk result.
    public struct Chunk: Sendable, Equatable {
        /// Sum of negative log-likelihoods of the scored tokens.
        public var negativeLogLikelihood: Double
        /// Number of scored tokens (`contextLength - 1 - contextLength / 2`).
        public var scoredTokens: Int
        /// `exp(nll / scored)` for this chunk alone.
        public var perplexity: Double { exp(negativeLogLikelihood / Double(scoredTokens)) }
    }

    /// Scores one chunk (`chunk.count` tokens, at most the state's batch size; the state needs
    /// `RuntimeOptions.allPositionLogits`). The cache is reset first.
    public static func score(chunk: [Int32], state: InferenceState) throws -> Chunk {
        state.reset()
        let logits = try state.evaluateAllPositions(chunk)
        let vocab = state.vocabularySize
        let first = chunk.count / 2
        var nll = 0.0
        for j in first..<(chunk.count - 1) {
            let row = UnsafeBufferPointer(rebasing: logits[(j * vocab)..<((j + 1) * vocab)])
            var top = -Float.infinity
            for v in row { top = max(top, v) }
            // log-softmax with the sum of exponentials in Double, as llama-perplexity does.
            var sum = 0.0
            for v in row { sum += Double(expf(v - top)) }
            nll -= Double(row[Int(chunk[j + 1])] - top) - log(sum)
        }
        return Chunk(negativeLogLikelihood: nll, scoredTokens: chunk.count - 1 - first)
    }

    /// Number of whole chunks in `tokenCount` tokens.
    public static func chunkCount(tokenCount: Int, contextLength: Int) -> Int { tokenCount / contextLength }

    /// Perplexity over several chunks: `exp(Σ nll / Σ scored)`.
    public static func combined(_ chunks: [Chunk]) -> Double {
        let nll = chunks.reduce(0) { $0 + $1.negativeLogLikelihood }
        let n = chunks.reduce(0) { $0 + $1.scoredTokens }
        return n == 0 ? .nan : exp(nll / Double(n))
    }
}
