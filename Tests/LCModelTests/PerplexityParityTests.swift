import Foundation
import Testing
import LCModel

/// Perplexity the llama-perplexity way (chunks of 512 tokens, each from an empty cache, the second half of each
/// scored) on the first chunks of GPL-3, against llama.cpp's per-chunk values.
@Suite struct PerplexityParityTests {
    static let chunks = 2

    /// Negative log-likelihood of one chunk's second half, in Double as llama-perplexity sums it.
    static func chunkNLL(_ state: InferenceState, _ tokens: ArraySlice<Int32>) throws -> Double {
        state.reset()
        let chunk = Array(tokens)
        let logits = try state.evaluateAllPositions(chunk)
        let vocab = logits.count / chunk.count
        var nll = 0.0
        for j in (chunk.count / 2)..<(chunk.count - 1) {
            let row = UnsafeBufferPointer(rebasing: logits[(j * vocab)..<((j + 1) * vocab)])
            let m = row.max() ?? 0
            var sum = 0.0
            for v in row { sum += Double(expf(v - m)) }
            nll -= Double(row[Int(chunk[j + 1])] - m) - log(sum)
        }
        return nll
    }

    @Test func firstChunksWithinOnePercentOfLlamaCpp() throws {
        let model = try ModelFixtures.model.get()
        let file = try ModelFixtures.decode(ModelFixtures.PerplexityFile.self, "perplexity.json")
        let ctx = 512
        let state = try InferenceState(model: model, options: RuntimeOptions(contextLength: ctx, threads: 2,
                                                                             batchSize: ctx, allPositionLogits: true))
        var nll = 0.0, refNLL = 0.0
        for c in 0..<Self.chunks {
            let chunkNLL = try Self.chunkNLL(state, file.tokens[(c * ctx)..<((c + 1) * ctx)])
            let scored = Double(ctx - 1 - ctx / 2)
            let ours = exp(chunkNLL / scored), ref = file.flash_off.chunks[c].chunk_ppl
            print("perplexity chunk \(c + 1): ours \(ours), llama.cpp \(ref) (flash on \(file.flash_on.chunks[c].chunk_ppl))")
            #expect(abs(ours / ref - 1) < 0.01)
            nll += chunkNLL
            refNLL += file.flash_off.chunks[c].chunk_nll
        }
        let ours = exp(nll / Double(Self.chunks * (ctx - 1 - ctx / 2)))
        let ref = exp(refNLL / Double(Self.chunks * (ctx - 1 - ctx / 2)))
        print("perplexity first \(Self.chunks) chunks: ours \(ours), llama.cpp \(ref)")
        #expect(abs(ours / ref - 1) < 0.01)
    }
}
