import Foundation
import LCModel
import LCTokenizer

/// Why a generation stopped.
public enum GenerationStopReason: String, Sendable, Equatable {
    /// An end-of-generation token (eos, `<|im_end|>`, ...) was produced; it is the last id.
    case endOfGeneration = "eos"
    /// The requested number of tokens was produced.
    case maxTokens = "max_tokens"
    /// The context filled up before either of the above.
    case contextFull = "context_full"
}

/// What one `Generator.generate` call produced, with the figures `--json` reports.
public struct GenerationResult: Sendable, Equatable {
    /// The prompt's token ids.
    public var promptIds: [Int32]
    /// Generated ids, including the end-of-generation token when it stopped on one.
    public var ids: [Int32]
    /// Generated text (the end-of-generation token contributes none).
    public var text: String
    /// Why it stopped.
    public var stopReason: GenerationStopReason
    /// Milliseconds spent evaluating the prompt (through its logits).
    public var promptMilliseconds: Double
    /// Milliseconds from the prompt's logits to the end of generation (sampling and decode steps).
    public var generationMilliseconds: Double
}

/// A plain generation loop over one `InferenceState`: evaluate the prompt as a batch, then sample, stream the
/// text and evaluate one token at a time until an end-of-generation id, `maxTokens`, or a full context.
/// (Chat sessions with prefix reuse and the full sampler chain live in `ChatSession`.)
public final class Generator {
    /// The state the tokens go through (reset at the start of every `generate`).
    public let state: InferenceState
    /// The tokenizer used to stream text and to recognise end-of-generation ids.
    public let tokenizer: BPETokenizer

    /// A generator over a fresh state of `model`.
    public init(model: LlamaModel, tokenizer: BPETokenizer, options: RuntimeOptions) throws {
        state = try InferenceState(model: model, options: options)
        self.tokenizer = tokenizer
    }

    /// Generates up to `maxTokens` tokens after `promptIds`, calling `onText` with each piece of text as soon as
    /// it is complete UTF-8. Throws `ModelError` for an empty or too long prompt or an out-of-range id.
    public func generate(promptIds: [Int32], maxTokens: Int, sampler: TokenSampler,
                         onText: (String) -> Void = { _ in }) throws -> GenerationResult {
        let clock = ContinuousClock()
        state.reset()
        let promptStart = clock.now
        var logits = try state.evaluate(promptIds)
        let generationStart = clock.now
        let endIds = tokenizer.endOfGenerationIds
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var ids: [Int32] = []
        ids.reserveCapacity(max(0, maxTokens))
        var text = ""
        var reason = GenerationStopReason.maxTokens
        while ids.count < maxTokens {
            let token = sampler.sample(logits)
            sampler.accept(token)
            ids.append(token)
            if endIds.contains(token) {
                reason = .endOfGeneration
                break
            }
            let piece = detokenizer.feed(token)
            if !piece.isEmpty {
                text += piece
                onText(piece)
            }
            if ids.count == maxTokens { break }
            if state.position == state.contextLength {
                reason = .contextFull
                break
            }
            logits = try state.evaluate(token: token)
        }
        let rest = detokenizer.flush()
        if !rest.isEmpty {
            text += rest
            onText(rest)
        }
        let end = clock.now
        return GenerationResult(promptIds: promptIds, ids: ids, text: text, stopReason: reason,
                                promptMilliseconds: Timing.milliseconds(generationStart - promptStart),
                                generationMilliseconds: Timing.milliseconds(end - generationStart))
    }

}
