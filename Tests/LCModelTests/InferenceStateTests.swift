import Foundation
import Testing
import LCGGUF
import LCModel

/// The forward pass against a plain Double reference on a tiny model, and the state's contract: batch equals
/// one token at a time, truncation, and typed errors.
@Suite struct InferenceStateTests {
    static func maxDiff(_ a: UnsafeBufferPointer<Float>, _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) }.max() ?? .infinity
    }

    @Test(arguments: [1, 3, 24])
    func tinyModelMatchesPlainReference(batchSize: Int) throws {
        let spec = TinyLlamaFile()
        let model = try LlamaModel(file: spec.file())
        let state = try InferenceState(model: model, options: RuntimeOptions(contextLength: 64, threads: 2,
                                                                             batchSize: batchSize))
        var reference = TinyModelReference(spec)
        let tokens: [Int32] = (0..<24).map { Int32(($0 * 7 + 3) % spec.vocab) }
        var expected: [Double] = []
        for t in tokens { expected = reference.step(Int(t)) }
        // The prompt in one call (batches of `batchSize`), then three decode steps.
        var worst = Self.maxDiff(try state.evaluate(tokens), expected)
        for t: Int32 in [5, 17, 49] {
            let ours = try state.evaluate([t])
            worst = max(worst, Self.maxDiff(ours, reference.step(Int(t))))
        }
        print("tiny model, batch \(batchSize): max |Δlogit| vs Double reference \(worst)")
        // Float throughout (F32 weights, Float cache): only summation order differs from the Double reference.
        #expect(worst < 1e-3)
        #expect(state.position == 27)
    }

    @Test func realModelBatchMatchesOneTokenAtATime() throws {
        let model = try ModelFixtures.model.get()
        let prompt = try ModelFixtures.decode(ModelFixtures.GreedyFile.self, "greedy.json").cases[0].prompt_ids
        let options = try RuntimeOptions(contextLength: 128, threads: 2)
        // Below the sgemm threshold a batch runs the very same kernels as single tokens: identical logits.
        let small = Array(prompt.prefix(5))
        let a = try InferenceState(model: model, options: options), b = try InferenceState(model: model, options: options)
        let batched = Array(try a.evaluate(small))
        var single: [Float] = []
        for t in small { single = Array(try b.evaluate(token: t)) }
        #expect(batched == single, "a short batch differs from the same tokens one at a time")
        // A whole prompt through sgemm (Float activations) vs 8-bit activations one token at a time.
        a.reset(); b.reset()
        let viaGemm = Array(try a.evaluate(prompt))
        for t in prompt { single = Array(try b.evaluate([t])) }
        let diff = zip(viaGemm, single).map { abs($0 - $1) }.max() ?? .infinity
        let top = { (v: [Float]) in v.indices.max { v[$0] < v[$1] } }
        print("real model: sgemm prompt vs one token at a time, max |Δlogit| \(diff)")
        #expect(top(viaGemm) == top(single))
        // Each path is measured against a float64 forward pass in LogitParityTests (up to ~0.85 for the 8-bit
        // activation path, as for llama.cpp's); two paths can differ by the sum of their errors. 1.53 seen.
        #expect(diff < 2.0)
    }

    @Test func truncateAndReevaluateReproducesLogits() throws {
        let model = try ModelFixtures.model.get()
        let options = try RuntimeOptions(contextLength: 64, threads: 2)
        let state = try InferenceState(model: model, options: options)
        // Short batches (below the sgemm threshold) run the same kernels however the tokens are grouped, so
        // every comparison here is exact.
        let prefix: [Int32] = [1, 9690, 198, 2683], tail: [Int32] = [1345, 314]
        let first = Array(try state.evaluate(prefix + tail))
        _ = try state.evaluate([28, 4100, 30])
        state.truncate(to: prefix.count)
        #expect(state.position == prefix.count)
        let again = Array(try state.evaluate(tail))
        #expect(again == first, "re-evaluating after truncate changed the logits")
        let fresh = try InferenceState(model: model, options: options)
        _ = try fresh.evaluate(prefix)
        let split = Array(try fresh.evaluate(tail))
        #expect(split == first, "splitting the input differently changed the logits")
        state.truncate(to: 1000)
        #expect(state.position == prefix.count + tail.count)
        state.truncate(to: -3)
        #expect(state.position == 0)
    }

    @Test func overflowAndBadIdsAreTypedErrorsThatLeaveTheStateAlone() throws {
        let model = try LlamaModel(file: TinyLlamaFile().file())
        let state = try InferenceState(model: model, options: RuntimeOptions(contextLength: 16, threads: 1))
        #expect(throws: ModelError.contextOverflow(position: 0, requested: 17, contextLength: 16)) {
            try state.evaluate([Int32](repeating: 1, count: 17))
        }
        _ = try state.evaluate([Int32](repeating: 1, count: 10))
        #expect(throws: ModelError.contextOverflow(position: 10, requested: 7, contextLength: 16)) {
            try state.evaluate([Int32](repeating: 1, count: 7))
        }
        #expect(throws: ModelError.tokenOutOfRange(id: 50, vocabSize: 50)) { try state.evaluate([3, 50]) }
        #expect(throws: ModelError.tokenOutOfRange(id: -1, vocabSize: 50)) { try state.evaluate([-1]) }
        #expect(throws: ModelError.emptyInput) { try state.evaluate([]) }
        #expect(throws: ModelError.self) { try state.evaluateAllPositions([1]) }
        #expect(state.position == 10)
        _ = try state.evaluate([Int32](repeating: 2, count: 6))
        #expect(state.position == 16)
    }

    @Test func allPositionLogitsEndWithTheLastTokensLogits() throws {
        let spec = TinyLlamaFile()
        let model = try LlamaModel(file: spec.file())
        let options = try RuntimeOptions(contextLength: 32, threads: 2, batchSize: 16, allPositionLogits: true)
        let state = try InferenceState(model: model, options: options)
        let tokens: [Int32] = (0..<12).map { Int32($0 * 3 % spec.vocab) }
        let all = Array(try state.evaluateAllPositions(tokens))
        #expect(all.count == 12 * spec.vocab)
        var reference = TinyModelReference(spec)
        var worst = 0.0
        for (i, t) in tokens.enumerated() {
            let expected = reference.step(Int(t))
            for j in 0..<spec.vocab { worst = max(worst, abs(Double(all[i * spec.vocab + j]) - expected[j])) }
        }
        #expect(worst < 1e-3)
        #expect(throws: ModelError.self) { try state.evaluateAllPositions([Int32](repeating: 1, count: 17)) }
    }
}
