import Dispatch
import Foundation
import Synchronization

/// One conversation. Safe to use from any task: replies run one at a time, in the order requested, on the
/// session's own serial queue (generation is long, blocking CPU work that should not occupy the cooperative
/// pool). Every user message is screened before it is tokenized; model text reaches the caller only through
/// the output filter.
public final class CounselSession: Sendable {
    /// The options the session was opened with.
    public let options: SessionOptions

    private let engine: EngineBox
    private let safety: SafetyLayer
    private let queue = DispatchQueue(label: "localcounsel.session")
    private let state = Mutex(SharedState())

    private struct SharedState {
        var activeReplies: [ObjectIdentifier: CancellationFlag] = [:]
        var totals = SessionStatistics()
    }

    // The engine is touched only on `queue`, which serialises every access: that is what makes the box safe
    // to share although `ChatSession` itself is not Sendable.
    private final class EngineBox: @unchecked Sendable {
        let session: ChatSession
        var crisisAware = false
        var language: String?   // the user's language as last screened, for fallbacks
        init(_ session: ChatSession) { self.session = session }
    }

    init(engine: ChatSession, safety: SafetyLayer, options: SessionOptions) {
        self.engine = EngineBox(engine)
        self.safety = safety
        self.options = options
    }

    /// Answers `message`. The stream yields any safety event, the reply's text pieces, then `.completed`.
    /// Cancelling the consuming task (or dropping the stream) stops the reply after the current token.
    public func send(_ message: String) -> AsyncThrowingStream<ChatEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ChatEvent.self, throwing: Error.self)
        let flag = CancellationFlag()
        let key = ObjectIdentifier(flag)
        state.withLock { $0.activeReplies[key] = flag }
        continuation.onTermination = { termination in
            if case .cancelled = termination { flag.cancel() }
        }
        queue.async { [self] in
            defer {
                state.withLock { _ = $0.activeReplies.removeValue(forKey: key) }
                continuation.finish()
            }
            do {
                let (reason, stats) = try reply(to: message, flag: flag) { continuation.yield($0) }
                state.withLock { $0.totals.add(stats, reason: reason) }
                continuation.yield(.completed(reason, stats))
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return stream
    }

    /// Stops the reply being generated (and any queued ones) after their current token.
    public func cancel() {
        state.withLock { for flag in $0.activeReplies.values { flag.cancel() } }
    }

    /// Forgets the conversation (after any queued reply) but keeps the cached system prompt for reuse.
    public func reset() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                engine.session.reset()
                engine.crisisAware = false
                state.withLock { $0.totals = SessionStatistics() }
                done.resume()
            }
        }
    }

    /// Totals over the session's replies so far.
    public var statistics: SessionStatistics { state.withLock { $0.totals } }

    // Runs on `queue`.
    private func reply(to message: String, flag: CancellationFlag,
                       yield: (ChatEvent) -> Void) throws -> (ReplyStopReason, ReplyStatistics) {
        let assessment: CrisisAssessment
        do {
            assessment = try safety.screen.assess(message)
        } catch {
            throw CounselError.safetyUnavailable("the input screen failed")
        }
        if let language = assessment.language { engine.language = language }
        if assessment.isCrisis {
            let followUp = engine.crisisAware
            engine.crisisAware = true
            let response = safety.responder.crisisResponse(for: assessment, country: options.country,
                                                           followUp: followUp)
            yield(.crisisDetected(CrisisNotice(category: assessment.category, followUp: followUp,
                                               needsClarification: assessment.needsClarification,
                                               inProgress: assessment.inProgress)))
            yield(.text(response))
            // The model keeps the response as context (so later turns stay crisis-aware) but never the message.
            try engine.session.appendExchange(user: Self.withheldMessagePlaceholder, assistant: response)
            return (.crisisResponse, ReplyStatistics())
        }

        var filter = safety.filter.makeReplyFilter(
            for: ReplyContext(userMessage: message, crisisAware: engine.crisisAware))
        if let category = filter.declinedCategory {
            let answer = safety.responder.blockedReplyFallback(for: category, country: options.country,
                                                               language: engine.language)
            yield(.requestDeclined(category))
            yield(.text(answer))
            try engine.session.appendExchange(user: message, assistant: answer)
            return (.declinedRequest, ReplyStatistics())
        }

        var blocked: SafetyCategory?
        var outcome = try engine.session.respond(to: message, cancellation: flag) { piece in
            switch filter.push(piece) {
            case let .emit(text):
                if !text.isEmpty { yield(.text(text)) }
                return true
            case let .blocked(category):
                blocked = category
                return false
            }
        }
        if blocked == nil {
            switch filter.finish() {
            case let .emit(text): if !text.isEmpty { yield(.text(text)) }
            case let .blocked(category): blocked = category
            }
        }
        if let category = blocked {
            let fallback = safety.responder.blockedReplyFallback(for: category, country: options.country,
                                                                  language: engine.language)
            yield(.outputBlocked(category))
            yield(.text(fallback))
            try engine.session.replaceLastReply(with: fallback)
            outcome.stopReason = .outputBlocked
        }
        return (outcome.stopReason, outcome.statistics)
    }

    /// What the model sees in place of a message the screen withheld.
    static let withheldMessagePlaceholder =
        "(The person wrote something that showed they may be in crisis. The message is withheld.)"
}

/// Totals over a session's replies (for `/stats`).
public struct SessionStatistics: Sendable, Equatable {
    /// Replies answered.
    public var replies = 0
    /// Replies that were crisis responses.
    public var crisisResponses = 0
    /// Replies the output filter blocked.
    public var blockedReplies = 0
    /// Messages answered with a reviewed text because they asked for something the model must not give.
    public var declinedRequests = 0
    /// Prompt tokens evaluated, over all replies.
    public var promptTokens = 0
    /// History tokens reused from the cache, over all replies.
    public var reusedTokens = 0
    /// Tokens generated, over all replies.
    public var generatedTokens = 0
    /// The last model reply's figures.
    public var last: ReplyStatistics?

    /// Creates empty totals.
    public init() {}

    mutating func add(_ s: ReplyStatistics, reason: ReplyStopReason) {
        replies += 1
        if reason == .crisisResponse { crisisResponses += 1; return }
        if reason == .declinedRequest { declinedRequests += 1; return }
        if reason == .outputBlocked { blockedReplies += 1 }
        promptTokens += s.promptTokens
        reusedTokens += s.reusedTokens
        generatedTokens += s.generatedTokens
        last = s
    }
}
