import Foundation
import Testing
@testable import LocalCounsel

/// A few short checks on the real default model (fetched by Scripts/fetch-model). The backend is loaded once.
@Suite(.serialized) struct RealModelChatTests {
    static let path: String = {
        if let p = ProcessInfo.processInfo.environment["LOCALCOUNSEL_MODEL"], !p.isEmpty { return p }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }()
    static let backend = Result { try LlamaBackend(path: path, defaultThreads: 2) }

    /// Resident set size from /proc/self/statm (pages × page size).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    func session(ctx: Int, sampling: SamplingParameters, maxTokens: Int) throws -> ChatSession {
        let b = try Self.backend.get()
        let config = try ChatSessionConfiguration(systemPrompt: SessionOptions.defaultSystemPrompt, sampling: sampling,
                                                  maxTokens: maxTokens)
        return try ChatSession(context: try b.makeContext(contextLength: ctx, threads: 2),
                               tokenizer: try b.makeTokenizer(), template: b.template, configuration: config)
    }

    func reply(_ s: ChatSession, _ text: String) throws -> (String, ReplyOutcome) {
        var out = ""
        let o = try s.respond(to: text) { out += $0; return true }
        return (out, o)
    }

    @Test func theModelsTemplateIsChatMLWithSmolLMsDefault() throws {
        let b = try Self.backend.get()
        guard case let .chatML(defaultSystem) = b.template else { Issue.record("not ChatML"); return }
        #expect(defaultSystem?.hasPrefix("You are a helpful AI assistant named SmolLM") == true)
    }

    @Test func aUserTurnTokenizesAsLlamaCppDoes() throws {
        // llama-cpp-python 0.3.36: tokenize(b"<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
        // add_bos=False, special=True). Our segments tokenize markup and content apart; the ids must agree.
        let b = try Self.backend.get()
        let t = try b.makeTokenizer()
        var ids: [Int32] = []
        for part in b.template.userTurn("Hi there", systemPrefix: nil, addGenerationPrompt: true) {
            ids += try t.encode(part.text, parseSpecial: part.isMarkup)
        }
        #expect(ids == [1, 4093, 198, 26843, 665, 2, 198, 1, 520, 9531, 198])
        #expect(t.isEndOfGeneration(2))     // <|im_end|>
        #expect(t.isEndOfGeneration(1))     // <|im_start|>: the model would be writing the user's turn
        #expect(!t.isEndOfGeneration(26843))
    }

    @Test func seededRepliesAreDeterministic() throws {
        let p = try SamplingParameters(temperature: 0.9, topK: 40, topP: 0.95, minP: 0.02, seed: 1234)
        let a = try reply(try session(ctx: 512, sampling: p, maxTokens: 24), "I have trouble sleeping.").0
        let b = try reply(try session(ctx: 512, sampling: p, maxTokens: 24), "I have trouble sleeping.").0
        let q = try SamplingParameters(temperature: 0.9, topK: 40, topP: 0.95, minP: 0.02, seed: 99)
        let c = try reply(try session(ctx: 512, sampling: q, maxTokens: 24), "I have trouble sleeping.").0
        #expect(!a.isEmpty)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func aSecondTurnEvaluatesFarFewerTokensThanTheHistory() throws {
        let s = try session(ctx: 1024, sampling: .greedy, maxTokens: 32)
        let (_, o1) = try reply(s, "Hello. I have been feeling stressed about work and I cannot switch off at night.")
        #expect(o1.statistics.reusedTokens == 0)
        let history = s.historyTokenCount
        let (text2, o2) = try reply(s, "What could help?")
        #expect(!text2.isEmpty)
        // All cached tokens are reused: the history minus the close markup and the last sampled token.
        #expect(o2.statistics.reusedTokens >= history - 3)
        #expect(o2.statistics.promptTokens <= 16)
        #expect(o2.statistics.promptTokens * 5 < history)
        #expect(o2.statistics.timeToFirstToken > 0)
    }

    @Test func manyTurnsPastASmallContextStayBounded() throws {
        let s = try session(ctx: 256, sampling: try SamplingParameters(seed: 5), maxTokens: 2)
        var dropped = 0
        var rssAfterWarmUp = 0
        for i in 0..<48 {
            let (_, o) = try reply(s, "Short message number \(i).")
            dropped += o.statistics.droppedTurns
            #expect(s.cachedTokenCount <= 256)
            if i == 15 { rssAfterWarmUp = Self.residentBytes() }
        }
        // Thirty more turns, several trims later: resident memory has not grown with the conversation.
        #expect(Self.residentBytes() - rssAfterWarmUp < 8 << 20)
        #expect(dropped > 15)
        #expect(s.keptTurns < 12)
        #expect(s.historyTokenCount <= 256)
    }
}
