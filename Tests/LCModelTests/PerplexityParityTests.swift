import Foundation
import Testing
import LCGeneration
import LCModel

/// Perplexity the llama-perplexity way (chunks of 512 tokens, each from an empty cache, the second half of each
/// scored; `LCGeneration.Perplexity`, the code `localcounsel perplexity` runs) on the first chunks of GPL-3,
/// against llama.cpp's per-chunk values. The whole file (14 chunks) is `localcounsel perplexity --file
/// /usr/share/common-licenses/GPL-3`, or this test with LOCALCOUNSEL_PPL_CHUNKS=14.
@Suite struct PerplexityParityTests {
    static let chunks: Int = {
        Int(ProcessInfo.processInfo.environment["LOCALCOUNSEL_PPL_CHUNKS"] ?? "") ?? 2
    }()

    @Test func firstChunksWithinOnePercentOfLlamaCpp() throws {
        let model = try ModelFixtures.model.get()
        let file = try ModelFixtures.decode(ModelFixtures.PerplexityFile.self, "perplexity.json")
        let ctx = 512
        let state = try InferenceState(model: model, options: RuntimeOptions(contextLength: ctx, threads: 2,
                                                                             batchSize: ctx, allPositionLogits: true))
        let n = min(Self.chunks, file.n_chunk)
        var ours: [Perplexity.Chunk] = []
        for c in 0..<n {
            let chunk = try Perplexity.score(chunk: Array(file.tokens[(c * ctx)..<((c + 1) * ctx)]), state: state)
            let ref = file.flash_off.chunks[c].chunk_ppl
            print("perplexity chunk \(c + 1): ours \(chunk.perplexity), llama.cpp \(ref) "
                + "(flash on \(file.flash_on.chunks[c].chunk_ppl))")
            #expect(abs(chunk.perplexity / ref - 1) < 0.01)
            ours.append(chunk)
        }
        let ppl = Perplexity.combined(ours)
        let ref = file.flash_off.chunks[n - 1].running_ppl
        print("perplexity first \(n) chunks: ours \(ppl), llama.cpp \(ref) (flash on \(file.flash_on.chunks[n - 1].running_ppl))")
        #expect(abs(ppl / ref - 1) < 0.01)
    }
}
