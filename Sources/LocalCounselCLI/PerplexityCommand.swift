import ArgumentParser
import Foundation
import LocalCounsel

/// `localcounsel perplexity`: llama-perplexity's measure on a text file; prints `PPL = <value>` last.
struct PerplexityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Perplexity of a text file, computed as llama.cpp's llama-perplexity does.",
        discussion: """
            The file is tokenized whole (special-token texts stay plain text) and cut into non-overlapping \
            chunks of --ctx tokens; each chunk is evaluated from an empty cache and the predictions of its \
            second half are scored. Needs at least 2 × ctx tokens.
            """
    )

    @Option(name: .long, help: "Path to a GGUF model (default: LOCALCOUNSEL_MODEL or models/).")
    var model: String?
    @Option(name: .long, help: "The UTF-8 text file to score.")
    var file: String
    @Option(name: .long, help: "Chunk (context) length in tokens.")
    var ctx = 512
    @Option(name: .long, help: "Threads (default: the number of cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Score at most this many chunks (default: all).")
    var chunks: Int?
    @Flag(name: .long, help: "Print one JSON object instead of the running values.")
    var json = false

    enum Failure: LocalizedError {
        case unreadable(String)
        case notUTF8(String)
        case tooShort(path: String, tokens: Int, needed: Int)
        var errorDescription: String? {
            switch self {
            case let .unreadable(path): return "cannot read '\(path)'"
            case let .notUTF8(path): return "'\(path)' is not valid UTF-8"
            case let .tooShort(path, tokens, needed):
                return "'\(path)' has \(tokens) tokens; perplexity at this --ctx needs at least \(needed)"
            }
        }
    }

    func validate() throws {
        guard (4...RuntimeOptions.maxContextLength).contains(ctx) else {
            throw ValidationError("--ctx must be in 4...\(RuntimeOptions.maxContextLength)")
        }
        guard (1...RuntimeOptions.maxThreads).contains(threads) else {
            throw ValidationError("--threads must be in 1...\(RuntimeOptions.maxThreads)")
        }
        if let chunks, chunks < 1 { throw ValidationError("--chunks must be >= 1") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw Failure.unreadable(file) }
        guard let text = String(validating: data, as: UTF8.self) else { throw Failure.notUTF8(file) }
        let gguf = try GGUFFile(path: try ModelLocator.resolve(explicit: model))
        let llama = try LlamaModel(file: gguf)
        let tokenizer = try TokenizerLoader.load(from: gguf)
        let tokens = tokenizer.encode(text, parseSpecial: false)
        guard tokens.count >= 2 * ctx else { throw Failure.tooShort(path: file, tokens: tokens.count, needed: 2 * ctx) }
        let count = min(Perplexity.chunkCount(tokenCount: tokens.count, contextLength: ctx), chunks ?? .max)
        let state = try InferenceState(model: llama, options: RuntimeOptions(
            contextLength: ctx, threads: threads, batchSize: ctx, allPositionLogits: true))
        let out = FileHandle.standardOutput
        let start = ContinuousClock.now
        var scored: [Perplexity.Chunk] = []
        for c in 0..<count {
            var chunk = Array(tokens[(c * ctx)..<((c + 1) * ctx)])
            if tokenizer.addBOS, let bos = tokenizer.bosId { chunk[0] = bos }
            scored.append(try Perplexity.score(chunk: chunk, state: state))
            if !json { out.write(Data("[\(c + 1)]\(String(format: "%.4f", Perplexity.combined(scored))),".utf8)) }
        }
        let ppl = Perplexity.combined(scored)
        let seconds = Timing.seconds(ContinuousClock.now - start)
        if json {
            let perChunk = scored.map { String(format: "%.6f", $0.perplexity) }.joined(separator: ",")
            out.write(Data(("{\"file\":\(Self.quoted(file)),\"ctx\":\(ctx),\"tokens\":\(tokens.count),"
                + "\"chunks\":\(count),\"chunk_ppl\":[\(perChunk)],\"ppl\":\(String(format: "%.6f", ppl)),"
                + "\"seconds\":\(String(format: "%.3f", seconds))}\n").utf8))
        } else {
            out.write(Data("\nPPL = \(String(format: "%.4f", ppl))\n".utf8))
        }
    }

    private static func quoted(_ s: String) -> String {
        (try? JSONEncoder().encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
