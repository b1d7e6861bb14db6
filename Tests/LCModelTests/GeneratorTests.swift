import Foundation
import Testing
import LCGGUF
import LCGeneration
import LCModel

/// The generation loop and its sampler on the real model and tokenizer.
@Suite struct GeneratorTests {
    static func sampler(temperature: Float, seed: UInt64) throws -> TokenSampler {
        let p = try SamplingParameters(temperature: temperature, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1,
                                       penaltyWindow: 0, seed: seed)
        return TokenSampler(parameters: p, vocabularySize: 49152)
    }

    static func generator() throws -> Generator {
        let model = try ModelFixtures.model.get()
        let tokenizer = try TokenizerLoader.load(from: model.file)
        return try Generator(model: model, tokenizer: tokenizer, options: RuntimeOptions(contextLength: 256, threads: 2))
    }

    @Test func greedyFollowsTheReferenceAndStreamsTheSameText() throws {
        let g = try Self.generator()
        let c = try ModelFixtures.decode(ModelFixtures.GreedyFile.self, "greedy.json").cases[0]
        let sampler = try Self.sampler(temperature: 0, seed: 1)
        var streamed = ""
        let r = try g.generate(promptIds: c.prompt_ids, maxTokens: 12, sampler: sampler) { streamed += $0 }
        #expect(r.ids == Array(c.flash_off.ids.prefix(12)))  // the reference's first near-tie is at step 21
        #expect(r.stopReason == .maxTokens)
        #expect(streamed == r.text && r.text == g.tokenizer.decode(r.ids))
        #expect(r.promptMilliseconds > 0 && r.generationMilliseconds > 0)
    }

    @Test func sameSeedSameOutputAndStopAtEndOfGeneration() throws {
        let g = try Self.generator()
        let prompt = g.tokenizer.encode("<|im_start|>user\nSay hi.<|im_end|>\n<|im_start|>assistant\n", parseSpecial: true)
        let a = try Self.sampler(temperature: 0.9, seed: 7), b = try Self.sampler(temperature: 0.9, seed: 7)
        let r1 = try g.generate(promptIds: prompt, maxTokens: 40, sampler: a)
        let r2 = try g.generate(promptIds: prompt, maxTokens: 40, sampler: b)
        #expect(r1.ids == r2.ids && r1.text == r2.text)
        if r1.stopReason == .endOfGeneration {
            #expect(g.tokenizer.endOfGenerationIds.contains(r1.ids.last!))
        } else {
            #expect(r1.ids.count == 40)
        }
    }

    @Test func fullContextStopsCleanly() throws {
        let model = try ModelFixtures.model.get()
        let g = try Generator(model: model, tokenizer: TokenizerLoader.load(from: model.file),
                              options: RuntimeOptions(contextLength: 12, threads: 1))
        let s = try Self.sampler(temperature: 0, seed: 0)
        let r = try g.generate(promptIds: [1, 4093, 198, 19556, 30, 2, 198, 1, 520, 9531, 198], maxTokens: 10, sampler: s)
        #expect(r.stopReason == .contextFull || r.stopReason == .endOfGeneration)
        #expect(r.ids.count <= 2)
        #expect(throws: ModelError.self) { try g.generate(promptIds: [Int32](repeating: 1, count: 13), maxTokens: 1, sampler: s) }
    }

    @Test func samplerRejectsBadTemperatures() {
        #expect(throws: SamplingParameterError.self) { try Self.sampler(temperature: -1, seed: 0) }
        #expect(throws: SamplingParameterError.self) { try Self.sampler(temperature: .nan, seed: 0) }
        #expect(throws: SamplingParameterError.self) { try Self.sampler(temperature: .infinity, seed: 0) }
    }
}
