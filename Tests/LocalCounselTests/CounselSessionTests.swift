import Foundation
import Testing
@testable import LocalCounsel

@Suite struct CounselSessionTests {
    func open(reply: String = "I hear you.", country: String? = "DE", ctx: Int = 2048,
              safety: @escaping @Sendable () throws -> SafetyLayer = { fakeSafety }) throws -> (CounselSession, SpyContext) {
        let spy = SpyContext(contextLength: ctx, reply: reply)
        let model = CounselModel(backend: SpyBackend(spy: spy), safety: safety)
        let options = try SessionOptions(sampling: .greedy, maxTokens: 64, contextLength: ctx,
                                         country: country.map { try CountryCode.parse($0) })
        return (try model.openSession(options), spy)
    }

    func events(_ s: CounselSession, _ text: String) async throws -> [ChatEvent] {
        var out: [ChatEvent] = []
        for try await e in s.send(text) { out.append(e) }
        return out
    }

    func text(_ events: [ChatEvent]) -> String {
        events.compactMap { if case let .text(t) = $0 { t } else { nil } }.joined()
    }

    @Test func aCrisisMessageNeverReachesTheModel() async throws {
        let (s, spy) = try open()
        _ = try await events(s, "hello")
        let callsBefore = spy.evaluateCalls
        let crisis = "CRISIS I do not want to wake up tomorrow zqxj"
        let e = try await events(s, crisis)
        #expect(spy.evaluateCalls == callsBefore)   // not even evaluated: the model was not asked
        guard case let .crisisDetected(notice) = e.first else { Issue.record("no crisis event"); return }
        #expect(notice.category?.rawValue == "suicidal_ideation")
        #expect(!notice.followUp)
        #expect(text(e) == "CRISIS-RESPONSE DE")
        guard case .completed(.crisisResponse, _) = e.last else { Issue.record("no completion"); return }
        // Later turns run the model with the response as context, never the message.
        _ = try await events(s, "thank you")
        let needle = try ByteTokenizer().encode("zqxj", parseSpecial: false)
        #expect(!spy.evaluated(contains: needle))
        #expect(ByteTokenizer.text(spy.evaluatedTokens).contains("CRISIS-RESPONSE DE"))
        // The session stays crisis-aware: the next crisis gets the follow-up response.
        let e2 = try await events(s, "CRISIS again zqxj")
        guard case let .crisisDetected(n2) = e2.first else { Issue.record("no crisis event"); return }
        #expect(n2.followUp)
        #expect(text(e2) == "FOLLOWUP-RESPONSE DE")
        #expect(!spy.evaluated(contains: needle))
    }

    @Test func aBlockedSpanIsNeverYielded() async throws {
        let (s, _) = try open(reply: "You could try FORBIDDEN things.")
        let e = try await events(s, "hello")
        let shown = text(e)
        #expect(!shown.contains("FORBIDDEN"))
        #expect(!shown.contains("FORBID"))
        #expect(shown.hasPrefix("You could try "))
        #expect(shown.hasSuffix("SAFE-FALLBACK"))
        #expect(e.contains(.outputBlocked(SafetyCategory(rawValue: "method_detail"))))
        guard case .completed(.outputBlocked, _) = e.last else { Issue.record("not completed as blocked"); return }
        #expect(s.statistics.blockedReplies == 1)
    }

    @Test func theFilterSeesTheMessageItJudgesAndTheSessionsCrisisAwareness() async throws {
        let filtering = FakeFiltering()
        let safety = SafetyLayer(screen: FakeScreen(), filter: filtering, responder: FakeResponder())
        let (s, _) = try open(safety: { safety })
        _ = try await events(s, "I drink every night to cope. Is that a problem?")
        _ = try await events(s, "CRISIS zqxj")  // answered by the protocol: no filter is made for it
        _ = try await events(s, "thanks")
        let seen = filtering.contexts.all
        #expect(seen.map(\.userMessage) == ["I drink every night to cope. Is that a problem?", "thanks"])
        #expect(seen.map(\.crisisAware) == [false, true])
    }

    @Test func aRequestTheModelMustNotAnswerGetsTheReviewedTextWithoutTheModel() async throws {
        let (s, spy) = try open(reply: "Take 300 mg.")
        _ = try await events(s, "hello")
        let callsBefore = spy.evaluateCalls
        let e = try await events(s, "DECLINE how many of my pills can I take")
        #expect(spy.evaluateCalls == callsBefore)   // the model was not asked
        #expect(e.first == .requestDeclined(SafetyCategory(rawValue: "medication_advice")))
        #expect(text(e) == "SAFE-FALLBACK")
        guard case .completed(.declinedRequest, _) = e.last else { Issue.record("no completion"); return }
        #expect(s.statistics.declinedRequests == 1)
        #expect(s.statistics.replies == 2)
        // The exchange stays in the conversation: the next turn sees the reviewed answer as the reply.
        _ = try await events(s, "ok thanks")
        #expect(ByteTokenizer.text(spy.evaluatedTokens).contains("SAFE-FALLBACK"))
    }

    @Test func aPartialMatchThatDoesNotCompleteIsShown() async throws {
        let (s, _) = try open(reply: "FORBID nothing.")
        let e = try await events(s, "hello")
        #expect(text(e) == "FORBID nothing.")
    }

    @Test func failsClosedWhenSafetyCannotLoad() throws {
        #expect(throws: CounselError.self) { _ = try open(safety: { throw FakeSafetyError.failed }) }
    }

    @Test func aFailingScreenStopsTheTurnWithoutTheModel() async throws {
        let (s, spy) = try open()
        await #expect(throws: CounselError.self) { _ = try await events(s, "BREAK now") }
        #expect(spy.evaluateCalls == 0)
    }

    @Test func unknownCountryIsPassedAsUnknown() async throws {
        let (s, _) = try open(country: nil)
        #expect(text(try await events(s, "CRISIS")) == "CRISIS-RESPONSE ??")
    }

    @Test func concurrentSendsAreSerialised() async throws {
        let (s, _) = try open(reply: "abc")
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<8 { group.addTask { self.text(try await self.events(s, "m\(i)")) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: "abc", count: 8))
        #expect(s.statistics.replies == 8)
    }

    func openLong() throws -> (CounselSession, SpyContext) {
        let spy = SpyContext(contextLength: 8192, reply: "")
        spy.endsReply = false   // the fake model never ends its turn
        let model = CounselModel(backend: SpyBackend(spy: spy), safety: { fakeSafety })
        return (try model.openSession(try SessionOptions(sampling: .greedy, maxTokens: 4000, contextLength: 8192)), spy)
    }

    @Test func cancelStopsTheCurrentReply() async throws {
        let (s, spy) = try openLong()
        spy.onEvaluate = { calls in if calls == 6 { s.cancel() } }   // from another thread, mid-reply
        let e = try await events(s, "go")
        guard case let .completed(reason, stats) = e.last else { Issue.record("no completion"); return }
        #expect(reason == .cancelled)
        #expect(stats.generatedTokens <= 7)
        // The session goes on.
        spy.onEvaluate = { calls in if calls == 12 { s.cancel() } }
        guard case .completed(.cancelled, _) = try await events(s, "again").last else { Issue.record("no completion"); return }
    }

    @Test func cancellingTheConsumingTaskStopsTheReply() async throws {
        let (s, spy) = try openLong()
        spy.delayMicroseconds = 2000
        let consumer = Task {
            for try await _ in s.send("go") { }
        }
        while spy.evaluateCalls < 3 { try await Task.sleep(for: .milliseconds(1)) }
        consumer.cancel()
        _ = await consumer.result
        spy.delayMicroseconds = 0
        spy.onEvaluate = { calls in if calls > 0 { s.cancel() } }
        _ = try await events(s, "next")   // queued behind the first reply: runs once it has stopped
        // Uncancelled, the reply would run to max-tokens (4000 calls, 8 s); a loaded machine may take a while
        // to deliver the cancellation, so only the end being cut short is asserted.
        #expect(spy.evaluateCalls < 3000)
    }

    @Test func countryFromEnvironment() throws {
        #expect(CountryCode.fromEnvironment(["LOCALCOUNSEL_COUNTRY": "fr", "LANG": "de_DE.UTF-8"])?.rawValue == "FR")
        #expect(CountryCode.fromEnvironment(["LANG": "de_DE.UTF-8"])?.rawValue == "DE")
        #expect(CountryCode.fromEnvironment(["LC_ALL": "en_GB.UTF-8@euro", "LANG": "de_DE"])?.rawValue == "GB")
        #expect(CountryCode.fromEnvironment(["LANG": "C.UTF-8"]) == nil)
        #expect(CountryCode.fromEnvironment([:]) == nil)
        #expect(throws: CounselError.self) { try CountryCode.parse("USA") }
    }

    @Test func aContextBeyondTheTrainedOneIsRejected() throws {
        let model = CounselModel(backend: SpyBackend(spy: SpyContext(contextLength: 64)), safety: { fakeSafety })
        #expect(throws: CounselError.self) { _ = try model.openSession(try SessionOptions(contextLength: 16_384)) }
    }

    @Test func optionsAreValidated() {
        #expect(throws: CounselError.self) { try SessionOptions(maxTokens: 0) }
        #expect(throws: CounselError.self) { try SessionOptions(contextLength: 8) }
        #expect(throws: CounselError.self) { try SessionOptions(threads: 0) }
    }
}
