import Foundation
import Testing
import LCTokenizer
import LocalCounsel

/// Encode throughput on 1 MB of text, printed as tokens/s. A benchmark, not a pass/fail timing test:
/// it runs only with LOCALCOUNSEL_BENCH=1 (and is reported as skipped otherwise). Use a release build.
@Suite struct TokenizerSpeedBenchmark {
    static func megabyte(of seed: String) -> String {
        var s = ""
        s.reserveCapacity(1 << 20 + seed.utf8.count)
        while s.utf8.count < 1 << 20 { s += seed }
        return s
    }

    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
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
            // Thread CPU time as well as wall time: the machine is shared, and CPU time is what
            // tokenizing takes away from inference.
            var best = Double.infinity, bestCPU = Double.infinity
            var count = 0
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                let cpuStart = Self.threadCPUSeconds()
                count = t.encode(text).count
                bestCPU = min(bestCPU, Self.threadCPUSeconds() - cpuStart)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            print(String(format: "tokenizer encode, %@: %d bytes -> %d tokens; best of 5: wall %.1f ms "
                         + "(%.2f M tokens/s), thread CPU %.1f ms (%.2f M tokens/s, %.1f MB/s)",
                         name, text.utf8.count, count, best * 1000, Double(count) / best / 1e6, bestCPU * 1000,
                         Double(count) / bestCPU / 1e6, Double(text.utf8.count) / bestCPU / 1e6))
            #expect(count > 0)
        }
        print(String(format: "tokenizer load from GGUF (first use, includes GGUF open): %.1f ms", loadMs))
        // Where load time goes (thread CPU time, best of 5).
        var open = Double.infinity, arrays = Double.infinity, build = Double.infinity
        for _ in 0..<5 {
            let c0 = Self.threadCPUSeconds()
            let gguf = try GGUFFile(path: TokenizerTestSupport.modelPath)
            let c1 = Self.threadCPUSeconds()
            let tokens = try gguf.array("tokenizer.ggml.tokens").strings()
            let types = try gguf.array("tokenizer.ggml.token_type").integers()
            let merges = try gguf.array("tokenizer.ggml.merges").strings()
            let c2 = Self.threadCPUSeconds()
            _ = try BPETokenizer(tokens: tokens, tokenTypes: types, merges: merges, bosId: 1, eosId: 2,
                                 addBOS: false, preTokenizer: .smollm)
            let c3 = Self.threadCPUSeconds()
            open = min(open, c1 - c0)
            arrays = min(arrays, c2 - c1)
            build = min(build, c3 - c2)
        }
        print(String(format: "tokenizer load, thread CPU: GGUF open %.1f ms, read token/merge arrays %.1f ms, "
                     + "BPETokenizer.init %.1f ms", open * 1000, arrays * 1000, build * 1000))
    }
}
