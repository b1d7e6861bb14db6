import Foundation
import Synchronization
@testable import LocalCounsel

/// A byte-level tokenizer: ids 0–2 are `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`; byte b is id 3 + b.
struct ByteTokenizer: ChatTokenizer {
    static let specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    static let vocabularySize = 3 + 256

    func encode(_ text: String, parseSpecial: Bool) throws -> [Int32] {
        var out: [Int32] = []
        var rest = Substring(text)
        outer: while !rest.isEmpty {
            if parseSpecial {
                for (i, s) in Self.specials.enumerated() where rest.hasPrefix(s) {
                    out.append(Int32(i))
                    rest = rest.dropFirst(s.count)
                    continue outer
                }
            }
            let ch = rest.removeFirst()
            out += String(ch).utf8.map { Int32($0) + 3 }
        }
        return out
    }

    func isEndOfGeneration(_ token: Int32) -> Bool { token == 0 || token == 2 }
    func makeDetokenizer() -> any TokenDetokenizer { ByteDetokenizer() }

    static func text(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        var s = ""
        for id in ids {
            if id < 3 { s += String(decoding: bytes, as: UTF8.self) + specials[Int(id)]; bytes = [] }
            else { bytes.append(UInt8(id - 3)) }
        }
        return s + String(decoding: bytes, as: UTF8.self)
    }
}

struct ByteDetokenizer: TokenDetokenizer {
    var held: [UInt8] = []
    mutating func push(_ token: Int32) -> String {
        guard token >= 3 else { return "" }
        held.append(UInt8(token - 3))
        // Emit the longest prefix that is complete UTF-8.
        var cut = held.count
        while cut > 0, String(validating: held[..<cut], as: UTF8.self) == nil { cut -= 1 }
        let out = String(decoding: held[..<cut], as: UTF8.self)
        held.removeFirst(cut)
        return out
    }
    mutating func finish() -> String {
        defer { held = [] }
        return String(decoding: held, as: UTF8.self)
    }
}

/// A model that records every token it is asked to evaluate and answers each user turn with a script: after
/// the generation prompt it favours `reply`'s bytes in order, then `<|im_end|>`.
final class SpyContext: InferenceContext, @unchecked Sendable {
    let contextLength: Int
    let vocabularySize = ByteTokenizer.vocabularySize
    var reply: [Int32]
    var endsReply = true
    var delayMicroseconds: UInt32 = 0
    var onEvaluate: ((Int) -> Void)?   // called with the call count, on the generating thread
    private(set) var position = 0
    private(set) var evaluatedTokens: [Int32] = []   // every token ever evaluated, in order
    private(set) var evaluateCalls = 0
    private(set) var truncations: [Int] = []
    private(set) var cache: [Int32] = []             // what the fake KV cache holds now
    private let logits: UnsafeMutableBufferPointer<Float>   // (vocabularySize), reused like a real model's
    private var scriptIndex = 0
    private let generationPrompt: [Int32]

    init(contextLength: Int, reply: String = "Hello there.") {
        self.contextLength = contextLength
        self.reply = (try? ByteTokenizer().encode(reply, parseSpecial: false)) ?? []
        logits = .allocate(capacity: ByteTokenizer.vocabularySize)
        generationPrompt = (try? ByteTokenizer().encode("<|im_start|>assistant\n", parseSpecial: true)) ?? []
    }

    func evaluate(_ tokens: [Int32]) throws -> UnsafeBufferPointer<Float> {
        guard position + tokens.count <= contextLength else { throw SpyError.overflow(position + tokens.count) }
        evaluateCalls += 1
        if delayMicroseconds > 0 { usleep(delayMicroseconds) }
        onEvaluate?(evaluateCalls)
        evaluatedTokens += tokens
        cache += tokens
        position += tokens.count
        if cache.count >= generationPrompt.count && Array(cache.suffix(generationPrompt.count)) == generationPrompt {
            scriptIndex = 0
        } else {
            scriptIndex += tokens.count
        }
        for i in logits.indices { logits[i] = Float(i % 7) * 0.01 }
        let next: Int32 = scriptIndex < reply.count ? reply[scriptIndex] : (endsReply ? 2 : 3 + 65)
        logits[Int(next)] = 10
        return UnsafeBufferPointer(logits)
    }

    deinit { logits.deallocate() }

    func truncate(to newPosition: Int) throws {
        truncations.append(newPosition)
        cache.removeSubrange(min(newPosition, cache.count)...)
        position = cache.count
    }

    /// True when `needle` appears contiguously in everything evaluated.
    func evaluated(contains needle: [Int32]) -> Bool {
        guard !needle.isEmpty, evaluatedTokens.count >= needle.count else { return false }
        for i in 0...(evaluatedTokens.count - needle.count)
        where evaluatedTokens[i] == needle[0] && Array(evaluatedTokens[i..<(i + needle.count)]) == needle {
            return true
        }
        return false
    }

    enum SpyError: Error { case overflow(Int) }
}

struct SpyBackend: ModelBackend {
    let spy: SpyContext
    var template: ChatTemplate { .chatML(defaultSystemPrompt: nil) }
    var trainedContextLength: Int { 8192 }
    func makeTokenizer() throws -> any ChatTokenizer { ByteTokenizer() }
    func makeContext(contextLength: Int, threads: Int?) throws -> any InferenceContext { spy }
}

/// Flags any message containing "CRISIS"; throws on "BREAK" (a failing layer).
struct FakeScreen: CrisisScreening {
    func assess(_ text: String) throws -> CrisisAssessment {
        if text.contains("BREAK") { throw FakeSafetyError.failed }
        if text.contains("CRISIS") {
            return CrisisAssessment(isCrisis: true, category: SafetyCategory(rawValue: "suicidal_ideation"))
        }
        return CrisisAssessment(isCrisis: false)
    }
}

/// Blocks the word "FORBIDDEN", holding back any tail that could still become it.
struct FakeFilter: ReplyFilter {
    static let word = "FORBIDDEN"
    var pending = ""
    var declinedCategory: SafetyCategory?
    mutating func push(_ piece: String) -> ReplyFilterEvent {
        pending += piece
        if pending.contains(Self.word) { return .blocked(SafetyCategory(rawValue: "method_detail")) }
        var hold = 0
        for k in stride(from: min(Self.word.count - 1, pending.count), to: 0, by: -1)
        where pending.hasSuffix(Self.word.prefix(k)) { hold = k; break }
        let out = String(pending.dropLast(hold))
        pending = String(pending.suffix(hold))
        return .emit(out)
    }
    mutating func finish() -> ReplyFilterEvent {
        defer { pending = "" }
        return .emit(pending)
    }
}

struct FakeFiltering: ReplyFiltering {
    /// Sees every reply's context (to prove the session passes the message and its crisis awareness).
    let contexts = ContextLog()
    /// "DECLINE" asks for something the model must not give (a dose, say).
    func makeReplyFilter(for context: ReplyContext) -> any ReplyFilter {
        contexts.append(context)
        return FakeFilter(declinedCategory: context.userMessage.contains("DECLINE")
                          ? SafetyCategory(rawValue: "medication_advice") : nil)
    }
}

/// The reply contexts a `FakeFiltering` was given, in order.
final class ContextLog: Sendable {
    private let storage = Mutex<[ReplyContext]>([])
    func append(_ context: ReplyContext) { storage.withLock { $0.append(context) } }
    var all: [ReplyContext] { storage.withLock { $0 } }
}

struct FakeResponder: CrisisResponding {
    func crisisResponse(for assessment: CrisisAssessment, country: CountryCode?, followUp: Bool) -> String {
        followUp ? "FOLLOWUP-RESPONSE \(country?.rawValue ?? "??")" : "CRISIS-RESPONSE \(country?.rawValue ?? "??")"
    }
    func blockedReplyFallback(for category: SafetyCategory, country: CountryCode?, language: String?) -> String { "SAFE-FALLBACK" }
}

enum FakeSafetyError: Error { case failed }

let fakeSafety = SafetyLayer(screen: FakeScreen(), filter: FakeFiltering(), responder: FakeResponder())
