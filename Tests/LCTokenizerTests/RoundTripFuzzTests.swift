import Foundation
import Testing
import LCTokenizer
import LCTestSupport

/// Round trips, and random bytes through encode/decode: no crash, no hang (bounded: ~10,000 inputs).
@Suite struct RoundTripFuzzTests {
    /// Bytes SmolLM2's vocabulary has no byte-level token for.
    static let absentBytes: Set<UInt8> = [0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xC0, 0xC1, 0xF1, 0xF2,
                                           0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF]

    @Test func decodeOfEncodeIsTheText() throws {
        let t = try TokenizerTestSupport.realTokenizer.get()
        let file = try TokenizerTestSupport.loadParityFile(TokenizerTestSupport.fixtureURL)
        // Bytes the vocabulary has no token for are dropped (as llama.cpp does): skip texts with them.
        var checked = 0
        for c in file.cases {
            let text = c.text
            if text.utf8.contains(where: { Self.absentBytes.contains($0) }) { continue }
            #expect(t.decode(t.encode(text)) == text, "\(text.debugDescription)")
            #expect(t.decode(t.encode(text, parseSpecial: false)) == text)
            checked += 1
        }
        #expect(checked > 150)
    }

    /// How many random inputs: 10,000 in the suite; Scripts/fuzz-tokenizer --bytes N runs more.
    static let fuzzCount = Int(ProcessInfo.processInfo.environment["LOCALCOUNSEL_TOKENIZER_FUZZ_COUNT"] ?? "") ?? 10_000

    @Test func tenThousandRandomByteStringsNeitherCrashNorHang() throws {
        let t = try TokenizerTestSupport.realTokenizer.get()
        var rng = SplitMix64(seed: 2024)
        let specials = Array("<|im_start|><|im_end|><|endoftext|>".utf8)
        let start = Date()
        var totalIds = 0
        for i in 0..<Self.fuzzCount {
            var bytes = (0..<Int.random(in: 0..<96, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if i % 5 == 0 { bytes.insert(contentsOf: specials.prefix(Int.random(in: 0...specials.count, using: &rng)), at: 0) }
            if i % 7 == 0 { bytes += Array(" \t\n  1234 'LL don't 😀".utf8) }
            let text = String(decoding: bytes, as: UTF8.self)  // invalid sequences become U+FFFD
            let ids = t.encode(text, parseSpecial: i % 2 == 0)
            #expect(ids.allSatisfy { $0 >= 0 && Int($0) < t.vocabSize })
            let pieces = ids.flatMap { t.piece($0) }
            // Only bytes the vocabulary has no token for can go missing (llama.cpp drops them too).
            if text.utf8.contains(where: { Self.absentBytes.contains($0) }) {
                #expect(pieces.count < text.utf8.count)
            } else {
                #expect(pieces == Array(text.utf8))
                #expect(t.decode(ids) == text)
            }
            totalIds += ids.count
        }
        #expect(totalIds > Self.fuzzCount * 10)
        // A hang guard, not a speed test: 10,000 inputs take well under a second in a release build.
        #expect(Date().timeIntervalSince(start) < 30 * Double(max(Self.fuzzCount, 10_000)) / 10_000)
    }

    @Test func pathologicalInputsStayFast() throws {
        let t = try TokenizerTestSupport.realTokenizer.get()
        let start = Date()
        let inputs = [String(repeating: "a", count: 200_000), String(repeating: " ", count: 200_000),
                      String(repeating: "<|im_start", count: 20_000), String(repeating: "😀", count: 50_000),
                      String(repeating: "1", count: 100_000), String(repeating: "!?", count: 100_000)]
        for s in inputs {
            let ids = t.encode(s)
            #expect(t.decode(ids) == s)
        }
        #expect(Date().timeIntervalSince(start) < 20)
    }
}
