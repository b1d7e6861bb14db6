import ArgumentParser
import Foundation
import LocalCounsel

/// `localcounsel generate`: text from a prompt, streamed as it is generated, or one JSON line with ids and timings.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text from a prompt.",
        discussion: """
            Without --chat the prompt is raw text in which special-token texts such as <|im_start|> become their \
            tokens. With --chat it is wrapped in the model's ChatML template as one user turn after a system turn \
            (--system, or SmolLM2's own default system prompt). --temp 0 is greedy. Generation stops at an \
            end-of-generation token (eos, <|im_end|>), after --max-tokens tokens, or when the context is full.
            """
    )

    /// SmolLM2-Instruct's chat template inserts this system turn when a conversation has none.
    static let defaultSystemPrompt = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

    @Option(name: .long, help: "Path to a GGUF model (default: LOCALCOUNSEL_MODEL or models/).")
    var model: String?
    @Option(name: .long, help: "The prompt text.")
    var prompt: String?
    @Option(name: .customLong("prompt-file"), help: "Read the prompt from this UTF-8 file.")
    var promptFile: String?
    @Flag(name: .long, help: "Wrap the prompt in the chat template as one user turn.")
    var chat = false
    @Option(name: .long, help: "System prompt for --chat.")
    var system: String?
    @Option(name: .customLong("max-tokens"), help: "Most tokens to generate.")
    var maxTokens = 256
    @Option(name: .long, help: "Sampling temperature; 0 is greedy.")
    var temp: Float = 0.8
    @Option(name: .long, help: "Random seed (default: a random one).")
    var seed: UInt64?
    @Option(name: .long, help: "Threads (default: the number of cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Context length in tokens.")
    var ctx = 2048
    @Flag(name: .long, help: "Print one JSON object (ids, text, stop reason, timings) instead of streaming text.")
    var json = false

    enum Failure: LocalizedError {
        case unreadablePromptFile(String)
        case promptFileNotUTF8(String)
        var errorDescription: String? {
            switch self {
            case let .unreadablePromptFile(path): return "cannot read prompt file '\(path)'"
            case let .promptFileNotUTF8(path): return "prompt file '\(path)' is not valid UTF-8"
            }
        }
    }

    func validate() throws {
        guard (prompt == nil) != (promptFile == nil) else {
            throw ValidationError("give exactly one of --prompt and --prompt-file")
        }
        guard system == nil || chat else { throw ValidationError("--system needs --chat") }
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be >= 0") }
        guard temp.isFinite, temp >= 0 else { throw ValidationError("--temp must be a number >= 0") }
        guard (1...RuntimeOptions.maxThreads).contains(threads) else {
            throw ValidationError("--threads must be in 1...\(RuntimeOptions.maxThreads)")
        }
        guard (1...RuntimeOptions.maxContextLength).contains(ctx) else {
            throw ValidationError("--ctx must be in 1...\(RuntimeOptions.maxContextLength)")
        }
    }

    func run() async throws {
        let text = try promptText()
        let file = try GGUFFile(path: try ModelLocator.resolve(explicit: model))
        let llama = try LlamaModel(file: file)
        let tokenizer = try TokenizerLoader.load(from: file)
        let generator = try Generator(model: llama, tokenizer: tokenizer,
                                      options: RuntimeOptions(contextLength: ctx, threads: threads))
        let promptIds = tokenizer.encode(chat ? chatPrompt(text) : text, parseSpecial: true)
        // Plain temperature sampling (no top-k/p, min-p or penalties), as the command promises; `chat` uses the
        // whole chain. Temperature 0 is greedy.
        let parameters = try SamplingParameters(temperature: temp, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1,
                                                penaltyWindow: 0, seed: seed ?? UInt64.random(in: 0...UInt64.max))
        let sampler = TokenSampler(parameters: parameters, vocabularySize: llama.hyperparameters.vocabSize)
        let out = FileHandle.standardOutput
        let result = try generator.generate(promptIds: promptIds, maxTokens: maxTokens, sampler: sampler) { piece in
            if !json { out.write(Data(piece.utf8)) }
        }
        if json {
            out.write(Data((Self.json(result) + "\n").utf8))
        } else {
            out.write(Data("\n".utf8))
        }
    }

    private func promptText() throws -> String {
        if let prompt { return prompt }
        guard let path = promptFile, let data = FileManager.default.contents(atPath: path) else {
            throw Failure.unreadablePromptFile(promptFile ?? "")
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw Failure.promptFileNotUTF8(path) }
        return text
    }

    /// ChatML, as SmolLM2's template renders one user turn with a generation prompt.
    private func chatPrompt(_ user: String) -> String {
        "<|im_start|>system\n\(system ?? Self.defaultSystemPrompt)<|im_end|>\n<|im_start|>user\n\(user)<|im_end|>\n"
            + "<|im_start|>assistant\n"
    }

    /// `{"prompt_ids":[…],"ids":[…],"text":"…","stop_reason":"…","timings":{…}}` in this key order.
    static func json(_ r: GenerationResult) -> String {
        func ids(_ v: [Int32]) -> String { "[" + v.map(String.init).joined(separator: ",") + "]" }
        func ms(_ v: Double) -> String { String(format: "%.3f", v) }
        let text = (try? JSONEncoder().encode(r.text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return "{\"prompt_ids\":\(ids(r.promptIds)),\"ids\":\(ids(r.ids)),\"text\":\(text),"
            + "\"stop_reason\":\"\(r.stopReason.rawValue)\",\"timings\":{\"prompt_tokens\":\(r.promptIds.count),"
            + "\"prompt_ms\":\(ms(r.promptMilliseconds)),\"gen_tokens\":\(r.ids.count),"
            + "\"gen_ms\":\(ms(r.generationMilliseconds))}}"
    }
}
