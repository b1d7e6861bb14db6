import Foundation
import Testing
import LCTokenizer

/// Encode throughput on 1 MB of text, printed as tokens/s. A benchmark, not a pass/fail timing test:
/// it runs only with LOCALCOUNSEL_BENCH=1 (and is reported as skipped otherwise). Use a release build.
@Suite struct TokenizerSpeedBenchmark {
    static func megabyte(of seed: String) -> String {
        var s = ""
        s.reserveCapacity(1 << 20 + seed.utf8.count)
        while s.utf8.count < 1 << 20 { s += seed }
        return s
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["LOCALCOUNSEL_BENCH"] == "1"))
    func encodeThroughput() throws {
        let loadStart = Date()
        let t = try TokenizerTestSupport.realTokenizer.get()
        let loadMs = Date().timeIntervalSince(loadStart) * 1000
        let gpl = (try? String(contentsOfFile: "/usr/share/common-licenses/GPL-3", encoding: .utf8))
            ?? String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 100)
        let file = try TokenizerTestSupport.loadParityFile(TokenizerTestSupport.fixtureURL)
        let mixed = file.cases.map(\.text).joined(separator: "\n")
        for (name, text) in [("English (GPL-3)", Self.megabyte(of: gpl)), ("mixed fixture", Self.megabyte(of: mixed))] {
            var best = Double.infinity
            var count = 0
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                count = t.encode(text).count
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            print(String(format: "tokenizer encode, %@: %d bytes -> %d tokens, best of 5 %.1f ms, %.2f M tokens/s, %.1f MB/s",
                         name, text.utf8.count, count, best * 1000, Double(count) / best / 1e6,
                         Double(text.utf8.count) / best / 1e6))
            #expect(count > 0)
        }
        print(String(format: "tokenizer load from GGUF (first use, includes GGUF open): %.1f ms", loadMs))
    }
}
