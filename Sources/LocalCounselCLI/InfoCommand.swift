import ArgumentParser
import Foundation
import LocalCounsel

/// `localcounsel info [--model PATH] [--json]`: what is in a model file, read from its header.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a model file: architecture, hyperparameters, tensor types, tokenizer, file size."
    )

    @OptionGroup var modelOptions: ModelOptions

    @Flag(name: .long, help: "Print one JSON object on one line instead of text.")
    var json = false

    func run() throws {
        let path = try modelOptions.resolvedPath()
        let info = try ModelFileError.naming(path) { try ModelInfo(path: path) }
        print(json ? try info.jsonLine() : Self.text(info))
    }

    /// The human-readable form: one `name: value` per line, grouped, with the same names as the JSON keys.
    static func text(_ i: ModelInfo) -> String {
        func show<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "-" }
        let h = i.hyperparameters
        let t = i.tokenizer
        let types = i.tensorTypes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var lines = [
            "file: \(i.path)",
            "file_size: \(i.fileSize) bytes (\(String(format: "%.1f", Double(i.fileSize) / 1_048_576)) MiB)",
            "gguf_version: \(i.ggufVersion)",
            "architecture: \(show(i.architecture))",
            "name: \(show(i.name))",
            "metadata_count: \(i.metadataCount)",
            "tensor_count: \(i.tensorCount)",
            "parameter_count: \(i.parameterCount)",
            "tensor_types: \(types.isEmpty ? "-" : types)",
            "hyperparameters:",
        ]
        let hp: [(String, String)] = [
            ("block_count", show(h.blockCount)), ("context_length", show(h.contextLength)),
            ("embedding_length", show(h.embeddingLength)), ("feed_forward_length", show(h.feedForwardLength)),
            ("head_count", show(h.headCount)), ("head_count_kv", show(h.headCountKV)),
            ("rope_freq_base", show(h.ropeFreqBase)), ("rope_dimension_count", show(h.ropeDimensionCount)),
            ("layer_norm_rms_epsilon", show(h.layerNormRMSEpsilon)), ("vocab_size", show(h.vocabSize)),
        ]
        lines += hp.map { "  \($0.0): \($0.1)" }
        lines.append("tokenizer:")
        let tk: [(String, String)] = [
            ("model", show(t.model)), ("pre", show(t.pre)), ("vocab_size", "\(t.vocabSize)"),
            ("merge_count", "\(t.mergeCount)"), ("bos_token_id", show(t.bosTokenID)),
            ("eos_token_id", show(t.eosTokenID)), ("unknown_token_id", show(t.unknownTokenID)),
            ("padding_token_id", show(t.paddingTokenID)), ("has_chat_template", "\(t.hasChatTemplate)"),
        ]
        lines += tk.map { "  \($0.0): \($0.1)" }
        return lines.joined(separator: "\n")
    }
}
