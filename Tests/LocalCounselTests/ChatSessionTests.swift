import Foundation
import Testing
@testable import LocalCounsel

@Suite struct ChatSessionTests {
    func makeSession(ctx: Int = 4096, reply: String = "Hello there.", maxTokens: Int = 64,
                     stops: [String] = [], template: ChatTemplate = .chatML(defaultSystemPrompt: nil))
        throws -> (ChatSession, SpyContext) {
        let spy = SpyContext(contextLength: ctx, reply: reply)
        let config = try ChatSessionConfiguration(systemPrompt: "Be kind.", sampling: .greedy, maxTokens: maxTokens,
                                                  stopStrings: stops)
        return (try ChatSession(context: spy, tokenizer: ByteTokenizer(), template: template, configuration: config), spy)
    }

    func collect(_ s: ChatSession, _ text: String, flag: CancellationFlag? = nil) throws -> (String, ReplyOutcome) {
        var out = ""
        let outcome = try s.respond(to: text, cancellation: flag) { out += $0; return true }
        return (out, outcome)
    }

    @Test func secondTurnEvaluatesOnlyItsNewTokens() throws {
        let (s, spy) = try makeSession()
        let (text1, o1) = try collect(s, "First message, rather long so that the history is substantial: it goes on for a while, as first messages often do.")
        #expect(text1 == "Hello there.")
        #expect(o1.stopReason == .endOfTurn)
        #expect(o1.statistics.reusedTokens == 0)
        #expect(o1.statistics.generatedTokens == "Hello there.".utf8.count + 1)
        let history = s.historyTokenCount
        let before = spy.evaluatedTokens.count
        let (_, o2) = try collect(s, "Second.")
        let newTurn = try ByteTokenizer().encode("<|im_end|>\n<|im_start|>user\nSecond.<|im_end|>\n<|im_start|>assistant\n",
                                                 parseSpecial: true)
        // Only the closing of reply 1 and the new user turn were evaluated before generating.
        #expect(o2.statistics.promptTokens == newTurn.count)
        // Everything cached is reused: the history minus the reply's close markup, which was never evaluated.
        #expect(o2.statistics.reusedTokens == history - 2)
        #expect(o2.statistics.promptTokens * 5 < o2.statistics.reusedTokens)
        #expect(Array(spy.evaluatedTokens[before..<(before + newTurn.count)]) == newTurn)
    }

    @Test func theCacheHoldsExactlyTheRenderedConversation() throws {
        let (s, spy) = try makeSession(reply: "Ok.")
        _ = try collect(s, "One")
        _ = try collect(s, "Two")
        let rendered = ChatTemplate.chatML(defaultSystemPrompt: nil).render(
            [ChatMessage(.system, "Be kind."), ChatMessage(.user, "One"), ChatMessage(.assistant, "Ok."),
             ChatMessage(.user, "Two")], addGenerationPrompt: true) + "Ok."
        #expect(ByteTokenizer.text(spy.evaluatedTokens) == rendered)
    }

    @Test func hundredsOfTurnsPastASmallContextStayBounded() throws {
        let (s, spy) = try makeSession(ctx: 256, reply: "Sure, tell me more about that.", maxTokens: 8)
        var dropped = 0
        for i in 0..<400 {
            let (_, o) = try collect(s, "Turn number \(i) says hello")
            dropped += o.statistics.droppedTurns
            #expect(spy.position <= 256)
            #expect(s.historyTokenCount <= 256)
            #expect(o.stopReason == .maxTokens)
        }
        #expect(dropped > 350)
        #expect(s.keptTurns < 10)
        #expect(s.cachedTokenCount <= 256)
        // After a trim only the turns after the system prompt are re-evaluated; the system prompt is kept.
        #expect(spy.truncations.allSatisfy { $0 >= 1 })
    }

    @Test func aMessageThatCannotFitIsAnErrorNotACrash() throws {
        let (s, _) = try makeSession(ctx: 128, maxTokens: 8)
        #expect(throws: ChatSessionError.self) { _ = try collect(s, String(repeating: "long ", count: 40)) }
        let (text, _) = try collect(s, "short")   // the session is still usable
        #expect(text == "Hello there.".prefix(8).description)
    }

    @Test func maxTokensAndStopStrings() throws {
        let (s, _) = try makeSession(reply: "abc STOP def", maxTokens: 4)
        let (t1, o1) = try collect(s, "x")
        #expect(t1 == "abc ")
        #expect(o1.stopReason == .maxTokens)
        let (s2, _) = try makeSession(reply: "abc STOP def", stops: ["STOP"])
        let (t2, o2) = try collect(s2, "x")
        #expect(t2 == "abc ")
        #expect(o2.stopReason == .stopString)
        // A partial stop string is held back and released when it does not complete.
        let (s3, _) = try makeSession(reply: "abc STOne", stops: ["STOP"])
        var pieces: [String] = []
        _ = try s3.respond(to: "x") { pieces.append($0); return true }
        #expect(pieces.joined() == "abc STOne")
        #expect(!pieces.contains { $0.hasSuffix("ST") && $0 != "abc STOne" })
    }

    @Test func cancellationStopsTheReply() throws {
        let (s, _) = try makeSession(reply: "a long reply that goes on", maxTokens: 100)
        let flag = CancellationFlag()
        var n = 0
        let outcome = try s.respond(to: "x", cancellation: flag) { _ in
            n += 1
            if n == 3 { flag.cancel() }
            return true
        }
        #expect(outcome.stopReason == .cancelled)
        #expect(outcome.statistics.generatedTokens == 3)
        // The session goes on after a cancelled reply.
        flag.clear()
        let (_, o2) = try collect(s, "again", flag: flag)
        #expect(o2.stopReason == .endOfTurn)
    }

    @Test func replacedReplyIsWhatTheNextTurnSees() throws {
        let (s, spy) = try makeSession(reply: "BAD")
        _ = try collect(s, "one")
        try s.replaceLastReply(with: "good")
        _ = try collect(s, "two")
        let text = ByteTokenizer.text(spy.cache)
        #expect(text.contains("<|im_start|>assistant\ngood<|im_end|>\n<|im_start|>user\ntwo"))
        #expect(!text.contains("BADgood"))
        #expect(spy.truncations.last.map { $0 > 0 } == true)  // the prefix before the reply was kept
    }

    @Test func gemmaKeepsTheSystemPromptAfterTrimming() throws {
        let spy = SpyContext(contextLength: 200, reply: "ok")
        let config = try ChatSessionConfiguration(systemPrompt: "SYS", sampling: .greedy, maxTokens: 4)
        let s = try ChatSession(context: spy, tokenizer: ByteTokenizer(), template: .gemma, configuration: config)
        for i in 0..<30 { _ = try s.respond(to: "message \(i)") { _ in true } }
        // The last prompt evaluated after a trim starts the first kept user turn with the system text.
        let text = ByteTokenizer.text(spy.evaluatedTokens)
        let lastStart = try #require(text.range(of: "<start_of_turn>user\nSYS\n\nmessage", options: .backwards))
        #expect(text[lastStart.upperBound...].contains("message 2"))
    }
}
