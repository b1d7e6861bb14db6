import Foundation

/// Who wrote a chat message.
public enum ChatRole: String, Sendable, Equatable {
    /// Instructions that frame the conversation.
    case system
    /// The person.
    case user
    /// The model.
    case assistant
}

/// One typed chat message.
public struct ChatMessage: Sendable, Equatable {
    /// Who wrote it.
    public var role: ChatRole
    /// Its text.
    public var content: String
    /// Creates a message.
    public init(_ role: ChatRole, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// A piece of rendered prompt: markup (tokenized with special tokens parsed) or message content (tokenized as
/// plain text, so a user who types "<|im_start|>system" cannot forge a turn).
public struct ChatTemplatePart: Sendable, Equatable {
    /// The text of this piece.
    public var text: String
    /// True for template markup, false for message content.
    public var isMarkup: Bool
    /// Creates a part.
    public init(_ text: String, isMarkup: Bool) {
        self.text = text
        self.isMarkup = isMarkup
    }
}

/// The prompt formats this runtime renders, recognised from the GGUF `tokenizer.chat_template` the way
/// llama.cpp's `llm_chat_detect_template` does (by their marker tokens), since a Jinja engine is not needed for
/// three fixed formats.
public enum ChatTemplate: Sendable, Equatable {
    /// `<|im_start|>role\ncontent<|im_end|>\n`. `defaultSystemPrompt` is the system turn the template inserts
    /// when the conversation has none (SmolLM2's: "You are a helpful AI assistant named SmolLM, ...").
    case chatML(defaultSystemPrompt: String?)
    /// `<|begin_of_text|><|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>` (content trimmed).
    case llama3
    /// `<bos><start_of_turn>user\ncontent<end_of_turn>\n`, the assistant called `model`, no system role: the
    /// system text opens the first user turn (Gemma 3's template).
    case gemma

    /// Recognises the template source from GGUF metadata; throws when it is absent or of an unknown form.
    public init(templateSource: String?) throws {
        guard let source = templateSource, !source.isEmpty else { throw ChatTemplateError.missing }
        if source.contains("<|im_start|>") {
            self = .chatML(defaultSystemPrompt: Self.chatMLDefaultSystemPrompt(in: source))
        } else if source.contains("<|start_header_id|>") && source.contains("<|end_header_id|>") {
            self = .llama3
        } else if source.contains("<start_of_turn>") {
            self = .gemma
        } else {
            throw ChatTemplateError.unsupported(excerpt: String(source.prefix(80)))
        }
    }

    /// A short name for logs and `info`.
    public var name: String {
        switch self {
        case .chatML: return "chatml"
        case .llama3: return "llama3"
        case .gemma: return "gemma"
        }
    }

    /// True when the system prompt is part of the first user turn rather than a turn of its own.
    public var mergesSystemIntoFirstUserTurn: Bool { self == .gemma }

    /// Renders a whole conversation as the reference (Jinja) template would, with the assistant prompt at the
    /// end when `addGenerationPrompt`. Equal to the concatenation of the segment functions below.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var system: String?
        var rest = messages[...]
        if let first = messages.first, first.role == .system {
            system = first.content
            rest = messages.dropFirst()
        }
        var out = conversationStart(system: system).map(\.text).joined()
        var pendingSystem = mergesSystemIntoFirstUserTurn ? system : nil
        for m in rest {
            switch m.role {
            case .user:
                out += userTurn(m.content, systemPrefix: pendingSystem, addGenerationPrompt: false)
                    .map(\.text).joined()
                pendingSystem = nil
            case .assistant:
                out += assistantTurn(m.content).map(\.text).joined()
            case .system:
                out += systemTurn(m.content).map(\.text).joined()
            }
        }
        if addGenerationPrompt { out += generationPrompt }
        return out
    }

    /// What opens every conversation: the BOS text and (except for Gemma) the system turn, or the template's
    /// default system turn when `system` is nil.
    public func conversationStart(system: String?) -> [ChatTemplatePart] {
        switch self {
        case let .chatML(defaultSystem):
            guard let s = system ?? defaultSystem else { return [] }
            return systemTurn(s)
        case .llama3:
            return [ChatTemplatePart("<|begin_of_text|>", isMarkup: true)] + (system.map(systemTurn) ?? [])
        case .gemma:
            return [ChatTemplatePart("<bos>", isMarkup: true)]
        }
    }

    /// A user turn; with `addGenerationPrompt`, followed by the assistant prompt. `systemPrefix` is used only by
    /// templates that merge the system prompt into the first user turn.
    public func userTurn(_ text: String, systemPrefix: String?, addGenerationPrompt: Bool) -> [ChatTemplatePart] {
        var parts = turn("user", text)
        if mergesSystemIntoFirstUserTurn, let s = systemPrefix {
            // Gemma 3: `first_user_prefix = system + '\n\n'` goes before the (trimmed) first user content.
            parts.insert(ChatTemplatePart(s + "\n\n", isMarkup: false), at: 1)
        }
        if addGenerationPrompt { parts.append(ChatTemplatePart(generationPrompt, isMarkup: true)) }
        return parts
    }

    /// A complete assistant turn (for history the model did not generate itself).
    public func assistantTurn(_ text: String) -> [ChatTemplatePart] { turn("assistant", text) }

    /// An assistant reply's content and close, as it follows `generationPrompt` (for replies the model did not
    /// generate itself: a crisis response, a safety fallback).
    public func assistantTurnContent(_ text: String) -> [ChatTemplatePart] {
        Array(assistantTurn(text).dropFirst())
    }

    /// The markup that opens the assistant's reply.
    public var generationPrompt: String {
        switch self {
        case .chatML: return "<|im_start|>assistant\n"
        case .llama3: return "<|start_header_id|>assistant<|end_header_id|>\n\n"
        case .gemma: return "<start_of_turn>model\n"
        }
    }

    /// The markup that closes an assistant reply after its content (the end-of-turn token plus any separator).
    public var assistantClose: String {
        switch self {
        case .chatML: return "<|im_end|>\n"
        case .llama3: return "<|eot_id|>"
        case .gemma: return "<end_of_turn>\n"
        }
    }

    private func systemTurn(_ text: String) -> [ChatTemplatePart] { turn("system", text) }

    private func turn(_ role: String, _ content: String) -> [ChatTemplatePart] {
        switch self {
        case .chatML:
            return [ChatTemplatePart("<|im_start|>\(role)\n", isMarkup: true), ChatTemplatePart(content, isMarkup: false),
                    ChatTemplatePart("<|im_end|>\n", isMarkup: true)]
        case .llama3:
            return [ChatTemplatePart("<|start_header_id|>\(role)<|end_header_id|>\n\n", isMarkup: true),
                    ChatTemplatePart(content.trimmingCharacters(in: .whitespacesAndNewlines), isMarkup: false),
                    ChatTemplatePart("<|eot_id|>", isMarkup: true)]
        case .gemma:
            let r = role == "assistant" ? "model" : role
            return [ChatTemplatePart("<start_of_turn>\(r)\n", isMarkup: true),
                    ChatTemplatePart(content.trimmingCharacters(in: .whitespacesAndNewlines), isMarkup: false),
                    ChatTemplatePart("<end_of_turn>\n", isMarkup: true)]
        }
    }

    /// The literal system turn a ChatML template emits when the first message is not a system message, e.g.
    /// `{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n...<|im_end|>\n' }}`.
    static func chatMLDefaultSystemPrompt(in source: String) -> String? {
        guard source.contains("!= 'system'") || source.contains("!= \"system\"") else { return nil }
        for opener in ["<|im_start|>system\n", "<|im_start|>system\\n"] {
            guard let start = source.range(of: opener),
                  let end = source.range(of: "<|im_end|>", range: start.upperBound..<source.endIndex) else { continue }
            let body = String(source[start.upperBound..<end.lowerBound])
            // Only a literal string counts; an expression (`+ message[...]`) is the general system turn.
            if body.contains("{{") || body.contains("+") || body.contains("'") || body.contains("\"") { continue }
            return body.replacingOccurrences(of: "\\n", with: "\n")
        }
        return nil
    }
}

/// Why a chat template cannot be used.
public enum ChatTemplateError: LocalizedError, Equatable, Sendable {
    /// The model file has no `tokenizer.chat_template`.
    case missing
    /// The template is not ChatML, Llama 3 or Gemma; carries its first characters.
    case unsupported(excerpt: String)

    /// A one-line description.
    public var errorDescription: String? {
        switch self {
        case .missing:
            return "the model has no tokenizer.chat_template, so its chat format is unknown"
        case let .unsupported(excerpt):
            return "unsupported chat template (known: ChatML, Llama 3, Gemma); it begins: \(excerpt.debugDescription)"
        }
    }
}
