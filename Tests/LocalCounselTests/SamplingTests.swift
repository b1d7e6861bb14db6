import Foundation
import Testing
@testable import LocalCounsel

@Suite struct SamplingTests {
    @Test func validationNamesTheBadValue() {
        #expect(throws: SamplingParameterError.outOfRange(name: "top-p", value: "1.5", expected: "in (0, 1]")) {
            try SamplingParameters(topP: 1.5)
        }
        do {
            _ = try SamplingParameters(topP: 1.5)
            Issue.record("top-p 1.5 was accepted")
        } catch {
            #expect(error.localizedDescription == "top-p must be in (0, 1], got 1.5")
        }
        #expect(throws: SamplingParameterError.self) { try SamplingParameters(temperature: -0.1) }
        #expect(throws: SamplingParameterError.self) { try SamplingParameters(temperature: .nan) }
        #expect(throws: SamplingParameterError.self) { try SamplingParameters(topK: -1) }
        #expect(throws: SamplingParameterError.self) { try SamplingParameters(topP: 0) }
        #expect(throws: SamplingParameterError.self) { try SamplingParameters(minP: 1.01) }
        #expect(throws: SamplingParameterError.self) { try SamplingParameters(repetitionPenalty: 0) }
        #expect(throws: SamplingParameterError.self) { try SamplingParameters(frequencyPenalty: 3) }
        #expect(throws: SamplingParameterError.self) { try SamplingParameters(penaltyWindow: -5) }
        #expect(throws: Never.self) { try SamplingParameters(temperature: 0, topK: 0, topP: 1, minP: 0) }
    }

    @Test func greedyTakesArgmaxSmallestIdOnTies() {
        let c = TokenCandidates(capacity: 6)
        c.load([0.1, 3, -2, 3, 0, 1])
        GreedySampler().apply(to: c)
        #expect(c.selected == 1)
    }

    @Test func topKKeepsTheKLargestSorted() {
        let c = TokenCandidates(capacity: 8)
        c.load([0.5, 7, -1, 3, 9, 2, 3, 8])
        TopKSampler(k: 3).apply(to: c)
        #expect(c.count == 3)
        #expect((0..<3).map { c.ids[$0] } == [4, 7, 1])
        #expect(c.isSortedDescending)
        // A k above the count sorts everything.
        c.load([1, 3, 2])
        TopKSampler(k: 10).apply(to: c)
        #expect((0..<3).map { c.ids[$0] } == [1, 2, 0])
    }

    @Test func topKOnAVocabularySizedInputMatchesAFullSort() {
        var rng = SeededRandom(seed: 7)
        let values = (0..<49_152).map { _ in Float(rng.nextUnit() * 20 - 10) }
        let c = TokenCandidates(capacity: values.count)
        c.load(values)
        TopKSampler(k: 40).apply(to: c)
        let expected = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        #expect((0..<40).map { Int(c.ids[$0]) } == Array(expected.prefix(40)))
    }

    @Test func topPKeepsTheSmallestPrefixReachingTheMass() {
        // Probabilities 0.5, 0.25, 0.125, 0.125 (logits are log-probabilities).
        let logs: [Float] = [log(0.125), log(0.5), log(0.125), log(0.25)]
        let c = TokenCandidates(capacity: 4)
        c.load(logs)
        TopPSampler(p: 0.7).apply(to: c)
        #expect(c.count == 2)
        #expect((0..<2).map { c.ids[$0] } == [1, 3])
        c.load(logs)
        TopPSampler(p: 0.5).apply(to: c)
        #expect(c.count == 1 && c.ids[0] == 1)
        // After top-k (already sorted) the same rule applies to the renormalised set.
        c.load(logs)
        TopKSampler(k: 3).apply(to: c)
        TopPSampler(p: 0.7).apply(to: c)
        #expect((0..<c.count).map { c.ids[$0] } == [1, 3])
    }

    @Test func minPDropsTokensBelowTheRelativeFloor() {
        let logs: [Float] = [log(0.5), log(0.04), log(0.3), log(0.16)]
        let c = TokenCandidates(capacity: 4)
        c.load(logs)
        MinPSampler(p: 0.3).apply(to: c)   // floor 0.15
        #expect((0..<c.count).map { c.ids[$0] }.sorted() == [0, 2, 3])
        c.load(logs)
        MinPSampler(p: 0.9).apply(to: c)
        #expect(c.count == 1 && c.ids[0] == 0)
    }

    @Test func penaltiesFollowLlamaCppFormulas() {
        var p = PenaltySampler(repetition: 2, frequency: 0.5, presence: 0.25, window: 3, vocabularySize: 5)
        for t: Int32 in [1, 3, 1] { p.accept(t) }
        let c = TokenCandidates(capacity: 5)
        c.load([1, 4, 0, -2, 1])
        p.apply(to: c)
        let seenTwice: Float = 4.0 / 2 - 2 * 0.5 - 0.25
        let negative: Float = -2.0 * 2 - 1 * 0.5 - 0.25     // negative logits are multiplied
        #expect(c.logits[0] == 1)
        #expect(c.logits[1] == seenTwice)
        #expect(c.logits[3] == negative)
        // The window slides: a fourth token evicts the first 1.
        p.accept(4)
        c.load([1, 4, 0, -2, 1])
        p.apply(to: c)
        let seenOnce: Float = 4.0 / 2 - 1 * 0.5 - 0.25
        let evictedIn: Float = 1.0 / 2 - 0.5 - 0.25
        #expect(c.logits[1] == seenOnce)
        #expect(c.logits[4] == evictedIn)
        p.reset()
        c.load([1, 4, 0, -2, 1])
        p.apply(to: c)
        #expect(c.logits[1] == 4)
    }

    @Test func temperatureScalesLogits() {
        let c = TokenCandidates(capacity: 2)
        c.load([2, -4])
        TemperatureSampler(temperature: 0.5).apply(to: c)
        #expect(c.logits[0] == 4 && c.logits[1] == -8)
    }

    @Test func seededSamplingIsDeterministicAndSeedDependent() throws {
        var rng = SeededRandom(seed: 1)
        let logits = (0..<1000).map { _ in Float(rng.nextUnit() * 4) }
        func run(seed: UInt64) throws -> [Int32] {
            let s = TokenSampler(parameters: try SamplingParameters(temperature: 1.2, topK: 0, topP: 1, minP: 0,
                                                                    repetitionPenalty: 1, seed: seed),
                                 vocabularySize: logits.count)
            return logits.withUnsafeBufferPointer { buf in (0..<64).map { _ in s.sample(buf) } }
        }
        let a = try run(seed: 42), b = try run(seed: 42), c = try run(seed: 43)
        #expect(a == b)
        #expect(a != c)
        #expect(Set(a).count > 10)   // really sampling, not argmax
    }

    @Test func drawFollowsTheDistribution() throws {
        // Two tokens at probabilities 0.8 / 0.2: the draw frequency must be close.
        let logits: [Float] = [log(0.8), log(0.2)]
        let s = TokenSampler(parameters: try SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0,
                                                                repetitionPenalty: 1, seed: 9),
                             vocabularySize: 2)
        let zeros = logits.withUnsafeBufferPointer { buf in (0..<4000).filter { _ in s.sample(buf) == 0 }.count }
        #expect(abs(Double(zeros) / 4000 - 0.8) < 0.03)
    }

    @Test func chainIsASamplerAndStopsAtSelection() {
        var chain = SamplerChain([TopKSampler(k: 2), GreedySampler(), TemperatureSampler(temperature: 0.5)])
        let c = TokenCandidates(capacity: 4)
        c.load([1, 5, 3, 4])
        chain.apply(to: c)
        #expect(c.selected == 1)
        #expect(c.logits[0] == 5)   // the temperature stage after the selection did not run
        let nested = SamplerChain([chain, GreedySampler()])
        #expect(nested.stages.count == 2)
    }
}
