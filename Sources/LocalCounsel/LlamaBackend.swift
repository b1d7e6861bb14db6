import Foundation

/// The real backend: a GGUF llama model whose weights stay mapped and are shared by every session.
public struct LlamaBackend: ModelBackend {
    /// The model weights (read-only, shared).
    public let model: LlamaModel
    /// The tokenizer built from the file's `tokenizer.ggml.*` metadata.
    public let tokenizer: BPETokenizer
    /// The chat format from `tokenizer.chat_template`.
    public let template: ChatTemplate
    /// Threads per session when a session does not say.
    public let defaultThreads: Int

    /// Maps the file at `path` and builds model, tokenizer and template; throws naming what is wrong.
    public init(path: String, defaultThreads: Int? = nil) throws {
        let file = try GGUFFile(path: path)
        model = try LlamaModel(file: file)
        tokenizer = try TokenizerLoader.load(from: file)
        template = try ChatTemplate(templateSource: file.metadata["tokenizer.chat_template"] == nil
                                    ? nil : try file.string("tokenizer.chat_template"))
        self.defaultThreads = defaultThreads ?? Self.physicalCores()
    }

    /// The context the model was trained for.
    public var trainedContextLength: Int { model.hyperparameters.contextLength }

    /// The chat view of the tokenizer.
    public func makeTokenizer() throws -> any ChatTokenizer { BPEChatTokenizer(tokenizer) }

    /// A fresh KV cache over the shared weights.
    public func makeContext(contextLength: Int, threads: Int?) throws -> any InferenceContext {
        try InferenceState(model: model, options: RuntimeOptions(contextLength: contextLength,
                                                                 threads: threads ?? defaultThreads))
    }

    // Generation does not gain from SMT siblings; count cores, not logical CPUs, where Linux tells.
    static func physicalCores() -> Int {
        let logical = ProcessInfo.processInfo.activeProcessorCount
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return logical }
        var pairs = Set<String>()
        var physical = "", core = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("physical id") { physical = String(line.split(separator: ":").last ?? "") }
            if line.hasPrefix("core id") { core = String(line.split(separator: ":").last ?? "") }
            if line.isEmpty && !core.isEmpty { pairs.insert(physical + "/" + core); core = "" }
        }
        return max(1, min(logical, pairs.isEmpty ? logical : pairs.count))
    }
}

extension CounselModel {
    /// Loads the model at `path` (nil: `ModelLocator`'s default) with the safety policy shipped in the
    /// package; each session loads and validates the safety layer again and fails closed without it.
    public static func load(path: String? = nil, threads: Int? = nil) throws -> CounselModel {
        let backend = try LlamaBackend(path: try ModelLocator.resolve(explicit: path), defaultThreads: threads)
        return CounselModel(backend: backend, safety: { try SafetyLayer.bundled() })
    }
}
