import Foundation

/// A multi-turn conversation with one model context. Keeps the token history so that a new turn evaluates only
/// its new tokens (KV-cache prefix reuse); when the context fills, drops the oldest turns (never the system
/// prompt), truncates the cache to the longest prefix still valid and re-evaluates only what follows it.
///
/// Synchronous and not thread-safe by design: the `LocalCounsel` facade owns one per session and serialises
/// access. Knows nothing about safety: the facade screens text before `respond` and filters what it emits.
public final class ChatSession {
    /// The session's settings.
    public let configuration: ChatSessionConfiguration
    /// The prompt format.
    public let template: ChatTemplate

    private var context: any InferenceContext
    private let tokenizer: any ChatTokenizer
    private let sampler: TokenSampler
    private var stopMatcher: StopStringMatcher
    private let systemTokens: [Int32]           // conversation start incl. system turn
    private var exchanges: [Exchange] = []      // kept turns, oldest first
    private var cached: [Int32] = []            // tokens in the KV cache, (position)
    private var target: [Int32] = []            // what the cache must hold before the reply, (≤ contextLength)
    private var single: [Int32] = [0]           // the one-token batch of the decode loop, reused
    private let closeTokens: [Int32]

    /// Figures of the last reply, if any.
    public private(set) var lastStatistics: ReplyStatistics?
    /// Tokens the conversation's kept history holds (system prompt included).
    public var historyTokenCount: Int { systemTokens.count + exchanges.reduce(0) { $0 + $1.tokenCount } }
    /// Number of kept user/assistant exchanges.
    public var keptTurns: Int { exchanges.count }
    /// Tokens currently in the KV cache.
    public var cachedTokenCount: Int { cached.count }

    private struct Exchange {
        var userText: String
        var userTokens: [Int32]        // user turn + generation prompt
        var assistantTokens: [Int32]   // reply + close markup
        var tokenCount: Int { userTokens.count + assistantTokens.count }
    }

    /// Opens a session over `context` (fresh or reused: whatever it holds is treated as stale).
    public init(context: any InferenceContext, tokenizer: any ChatTokenizer, template: ChatTemplate,
                configuration: ChatSessionConfiguration) throws {
        self.context = context
        self.tokenizer = tokenizer
        self.template = template
        self.configuration = configuration
        sampler = TokenSampler(parameters: configuration.sampling, vocabularySize: context.vocabularySize)
        stopMatcher = StopStringMatcher(configuration.stopStrings)
        let system = template.mergesSystemIntoFirstUserTurn ? nil : configuration.systemPrompt
        systemTokens = try Self.tokenize(template.conversationStart(system: system), tokenizer)
        closeTokens = try tokenizer.encode(template.assistantClose, parseSpecial: true)
        let ctx = context.contextLength
        if systemTokens.count > ctx / 2 {
            throw ChatSessionError.systemPromptTooLong(tokens: systemTokens.count, contextLength: ctx)
        }
        cached.reserveCapacity(ctx)
        target.reserveCapacity(ctx)
        if context.position != 0 { try self.context.truncate(to: 0) }
    }

    /// Generates the reply to `userText`, calling `onText` with each piece of visible text (stop strings held
    /// back) until the reply ends, `onText` returns false, or `cancellation`/Task cancellation stops it.
    @discardableResult
    public func respond(to userText: String, cancellation: CancellationFlag? = nil,
                        onText: (String) -> Bool) throws -> ReplyOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = ReplyStatistics()
        let userTokens = try renderUser(userText, first: exchanges.isEmpty)
        exchanges.append(Exchange(userText: userText, userTokens: userTokens, assistantTokens: []))
        do {
            stats.droppedTurns = try makeRoom(newUserTokens: userTokens.count)
        } catch {
            exchanges.removeLast()
            throw error
        }
        var logits: UnsafeBufferPointer<Float>
        do {
            (logits, stats.promptTokens, stats.reusedTokens) = try evaluatePrompt()
        } catch {
            exchanges.removeLast()
            resetCache()
            throw error
        }
        let promptEnd = clock.now
        stats.promptSeconds = Timing.seconds(promptEnd - start)

        var reply: [Int32] = []
        reply.reserveCapacity(configuration.maxTokens + 1)
        var detokenizer = tokenizer.makeDetokenizer()
        stopMatcher.reset()
        var firstTokenAt = promptEnd
        var reason = ReplyStopReason.maxTokens
        var callerStopped = false
        let limit = context.contextLength - closeTokens.count
        do {
            while true {
                if cancellation?.isCancelled == true || Task.isCancelled { reason = .cancelled; break }
                let token = sampler.sample(logits)
                if reply.isEmpty {
                    firstTokenAt = clock.now
                    stats.timeToFirstToken = Timing.seconds(firstTokenAt - start)
                }
                stats.generatedTokens += 1
                if tokenizer.isEndOfGeneration(token) { reason = .endOfTurn; break }
                sampler.accept(token)
                reply.append(token)
                let (text, stopped) = stopMatcher.push(detokenizer.push(token))
                if !text.isEmpty && !onText(text) { reason = .cancelled; callerStopped = true; break }
                if stopped { reason = .stopString; break }
                if reply.count >= configuration.maxTokens { reason = .maxTokens; break }
                if context.position + 1 >= limit { reason = .contextFull; break }
                single[0] = token
                logits = try context.evaluate(single)
                cached.append(token)
            }
        } catch {
            exchanges.removeLast()
            resetCache()
            throw error
        }
        if reason != .stopString && !callerStopped {
            let rest = stopMatcher.push(detokenizer.finish()).text + stopMatcher.finish()
            if !rest.isEmpty { _ = onText(rest) }
        }
        stats.generationSeconds = Timing.seconds(clock.now - firstTokenAt)
        exchanges[exchanges.count - 1].assistantTokens = reply + closeTokens
        lastStatistics = stats
        return ReplyOutcome(stopReason: reason, statistics: stats)
    }

    /// Replaces the last reply in the history with `text` (what the user was actually shown, e.g. a safety
    /// fallback). The cache diverges from the history there and is corrected at the next turn.
    public func replaceLastReply(with text: String) throws {
        guard !exchanges.isEmpty else { return }
        exchanges[exchanges.count - 1].assistantTokens = try Self.tokenize(template.assistantTurnContent(text),
                                                                           tokenizer)
    }

    /// Appends an exchange the model did not generate (e.g. a placeholder for a withheld message and the
    /// crisis response shown), so later turns see it as context. Evaluated lazily with the next turn.
    public func appendExchange(user: String, assistant: String) throws {
        let userTokens = try renderUser(user, first: exchanges.isEmpty)
        let assistantTokens = try Self.tokenize(template.assistantTurnContent(assistant), tokenizer)
        exchanges.append(Exchange(userText: user, userTokens: userTokens, assistantTokens: assistantTokens))
    }

    /// Forgets the conversation (the cached system prompt is kept for reuse) and restarts the sampler.
    public func reset() {
        exchanges.removeAll()
        sampler.reset()
        lastStatistics = nil
    }

    // When history plus room for the reply does not fit, drops the oldest exchanges until it fits in three
    // quarters of the context. Dropping turns shifts every later position, so what follows the system prompt
    // must be evaluated again; freeing a quarter at once makes that happen once every few turns, not on every
    // turn once the context is full. Returns how many were dropped.
    private func makeRoom(newUserTokens: Int) throws -> Int {
        let ctx = context.contextLength
        let room = min(configuration.maxTokens + closeTokens.count, ctx / 4)
        var total = historyTokenCount
        var dropped = 0
        let goal = total + room > ctx ? ctx * 3 / 4 : ctx
        while total + room > goal && exchanges.count > 1 {
            total -= exchanges.removeFirst().tokenCount
            dropped += 1
        }
        if dropped > 0 && template.mergesSystemIntoFirstUserTurn {
            // The system text lives in the first user turn: the new first turn must carry it.
            exchanges[0].userTokens = try renderUser(exchanges[0].userText, first: true)
            total = historyTokenCount
        }
        if total + room > ctx {
            throw ChatSessionError.messageTooLong(tokens: newUserTokens, contextLength: ctx)
        }
        return dropped
    }

    // Brings the cache to `target` = system + history + new user turn, reusing the longest common prefix.
    private func evaluatePrompt() throws -> (UnsafeBufferPointer<Float>, Int, Int) {
        target.removeAll(keepingCapacity: true)
        target.append(contentsOf: systemTokens)
        for e in exchanges {
            target.append(contentsOf: e.userTokens)
            target.append(contentsOf: e.assistantTokens)
        }
        if context.position != cached.count { resetCache() }
        var keep = 0
        let limit = min(cached.count, target.count - 1)  // the last token must be evaluated for its logits
        while keep < limit && cached[keep] == target[keep] { keep += 1 }
        if keep < cached.count {
            try context.truncate(to: keep)
            cached.removeSubrange(keep...)
        }
        var logits = UnsafeBufferPointer<Float>(start: nil, count: 0)
        var i = keep
        while i < target.count {
            let end = min(i + configuration.batchSize, target.count)
            let batch = Array(target[i..<end])
            logits = try context.evaluate(batch)
            cached.append(contentsOf: batch)
            i = end
        }
        return (logits, target.count - keep, keep)
    }

    // A user turn followed by the assistant prompt (every kept exchange is stored this way).
    private func renderUser(_ text: String, first: Bool) throws -> [Int32] {
        let prefix = first && template.mergesSystemIntoFirstUserTurn ? configuration.systemPrompt : nil
        return try Self.tokenize(template.userTurn(text, systemPrefix: prefix, addGenerationPrompt: true), tokenizer)
    }

    private func resetCache() {
        cached.removeAll(keepingCapacity: true)
        try? context.truncate(to: 0)
    }

    private static func tokenize(_ parts: [ChatTemplatePart], _ tokenizer: any ChatTokenizer) throws -> [Int32] {
        var out: [Int32] = []
        for p in parts where !p.text.isEmpty {
            out += try tokenizer.encode(p.text, parseSpecial: p.isMarkup)
        }
        return out
    }
}
