import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LocalCounsel

/// `localcounsel bench`: prompt-processing and generation throughput in llama-bench's spirit.
///
/// pp: one batch of `-p` random tokens into an empty cache; tg: `-n` single-token decodes from an empty cache.
/// Each repeated `-r` times after one warm-up; reports mean ± sample standard deviation, load time and peak RSS.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prompt and generation throughput (tokens/s), load time and peak memory.")

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .customShort("p"), help: "Prompt tokens per prompt-processing run (0 to skip).") var promptTokens = 512
    @Option(name: .customShort("n"), help: "Tokens per generation run (0 to skip).") var genTokens = 128
    @Option(name: .customShort("r"), help: "Repetitions.") var repetitions = 5
    @Option(name: .customShort("t"), help: "Threads (default: physical cores).") var threads: Int?
    @Flag(name: .long, help: "Print one JSON object on one line.") var json = false

    func validate() throws {
        guard (0...65536).contains(promptTokens) else { throw ValidationError("-p must be in 0...65536, got \(promptTokens)") }
        guard (0...65536).contains(genTokens) else { throw ValidationError("-n must be in 0...65536, got \(genTokens)") }
        guard promptTokens + genTokens > 0 else { throw ValidationError("-p and -n cannot both be 0") }
        guard (1...1000).contains(repetitions) else { throw ValidationError("-r must be in 1...1000, got \(repetitions)") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("-t must be in 1...256, got \(threads)") }
    }

    func run() async throws {
        let path = try modelOptions.resolvedPath()
        let threadCount = threads ?? CPUInfo.physicalCores
        let clock = ContinuousClock()
        let loadStart = clock.now
        let llama = try ModelFileError.naming(path) { try LlamaModel(file: try GGUFFile(path: path)) }
        let options = try RuntimeOptions(contextLength: max(promptTokens, genTokens, 1) + 1, threads: threadCount,
                                         batchSize: max(promptTokens, 1))
        let state = try InferenceState(model: llama, options: options)
        let loadMs = Timing.milliseconds(clock.now - loadStart)
        var rng = SystemRandomNumberGenerator()
        let vocab = Int32(llama.hyperparameters.vocabSize)
        func randomTokens(_ n: Int) -> [Int32] { (0..<n).map { _ in Int32.random(in: 0..<vocab, using: &rng) } }

        // Warm-up (pages the weights in, spins the threads up), as llama-bench does.
        state.reset()
        _ = try state.evaluate(randomTokens(min(max(promptTokens, 1), 32)))

        var pp: [Double] = []
        var tg: [Double] = []
        for _ in 0..<repetitions {
            if promptTokens > 0 {
                state.reset()
                let tokens = randomTokens(promptTokens)
                let t = clock.now
                _ = try state.evaluate(tokens)
                pp.append(Double(promptTokens) / Timing.seconds(clock.now - t))
            }
            if genTokens > 0 {
                state.reset()
                let tokens = randomTokens(genTokens)
                let t = clock.now
                for token in tokens { _ = try state.evaluate(token: token) }
                tg.append(Double(genTokens) / Timing.seconds(clock.now - t))
            }
        }
        let rssMB = PeakMemory.megabytes()
        let ppStats = Stats(pp), tgStats = Stats(tg)
        if json {
            let obj: [String: Any] = [
                "model": path, "threads": threadCount, "prompt_tokens": promptTokens, "gen_tokens": genTokens,
                "prompt_tps": ["mean": ppStats.mean, "stddev": ppStats.stddev],
                "gen_tps": ["mean": tgStats.mean, "stddev": tgStats.stddev],
                "load_ms": loadMs, "peak_rss_mb": rssMB, "repetitions": repetitions,
                "kernel_level": KernelLevel.current.description,
            ]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            let name = URL(fileURLWithPath: path).lastPathComponent
            print("model: \(name)  threads: \(threadCount)  kernels: \(KernelLevel.current)")
            if promptTokens > 0 { print(String(format: "pp%-5d %10.1f ± %6.1f tok/s", promptTokens, ppStats.mean, ppStats.stddev)) }
            if genTokens > 0 { print(String(format: "tg%-5d %10.1f ± %6.1f tok/s", genTokens, tgStats.mean, tgStats.stddev)) }
            print(String(format: "load     %10.1f ms\npeak RSS %10.1f MB", loadMs, rssMB))
        }
    }
}

/// Mean and sample standard deviation.
private struct Stats {
    let mean: Double
    let stddev: Double
    init(_ xs: [Double]) {
        guard !xs.isEmpty else { mean = 0; stddev = 0; return }
        let m = xs.reduce(0, +) / Double(xs.count)
        mean = m
        stddev = xs.count > 1 ? (xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(xs.count - 1)).squareRoot() : 0
    }
}

/// Peak resident memory of this process (getrusage's ru_maxrss, kilobytes on Linux).
enum PeakMemory {
    static func megabytes() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1024
    }
}
