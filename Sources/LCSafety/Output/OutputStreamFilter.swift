/// What the stream filter says after each piece of a reply.
public enum OutputStreamEvent: Sendable, Equatable {
    /// Text that is now safe to show (possibly empty: everything so far is still held back).
    case emit(String)
    /// Stop the reply and show a safe fallback instead; nothing of the harmful span was ever emitted.
    case blocked(OutputVerdict)
}

/// Filters an assistant reply while it is generated, releasing text only once no blocked pattern could still
/// complete within it.
///
/// How the hold-back works (the stop-string filter of mlx-swift-lm, lifted from strings to sentences): rules are
/// evaluated per *unit*, and a unit is released only after it has been evaluated in full. A unit ends
///  - at a newline, or
///  - after `.`, `!`, `?` (or `…`, `。`, `！`, `？`) plus any closing quotes/brackets, once the next scalar is seen
///    and is whitespace ("3.5 mg", "1.800.222.1222" and "Dr. Patel" are not ends), or
///  - at the end of the reply (`finish()`).
///
/// A run-on sentence cannot hold the stream forever: once a unit reaches `maxHoldScalars` (400 by default) without
/// an end, that window is evaluated, the part before its last `overlapScalars` (160) is released (cut before a
/// whitespace), and the held tail is evaluated again together with what follows. Any match shorter than the
/// overlap therefore lies wholly inside some evaluated window before any of it is shown. The hold-back is thus at
/// most `maxHoldScalars` scalars plus the one lookahead scalar, whatever the tokenizer does.
///
/// Units are found from the text alone, never from where pieces were split, so streaming a reply in any pieces
/// reaches the same verdict as `OutputFilter.evaluate` on the whole reply (which runs this same code in one push).
/// After a block the filter stays blocked: further pieces are discarded.
public struct OutputStreamFilter: Sendable {
    private let rules: OutputRuleSet
    /// Held-back scalars, not yet shown (at most `maxHoldScalars` + lookahead after each call).
    private var pending: [Unicode.Scalar] = []
    /// Where the boundary scan resumes in `pending`, so each scalar is scanned about once.
    private var scanFrom = 0
    /// Context flags seen so far in this reply (see `OutputRuleSet`).
    private var context: UInt64 = 0
    /// What the user's message showed (see `OutputRuleSet.promptState(for:)`); the message itself is not kept.
    private let promptFlags: UInt64
    /// When the user's message asks for something the model must not give (a prompt context with `answer_with`),
    /// the category whose reviewed fallback should answer it instead of the model; nil when the model may answer.
    public let fixedAnswerCategory: OutputBlockCategory?
    private var verdict: OutputVerdict?
    private var finished = false

    init(rules: OutputRuleSet, prompt: String? = nil, crisisContext: Bool = false) {
        self.rules = rules
        let promptState = prompt.map { rules.promptState(for: $0) } ?? OutputRuleSet.PromptState()
        promptFlags = promptState.promptFlags
        fixedAnswerCategory = promptState.answerWith
        context = (crisisContext ? rules.crisisContextMask : 0) | promptState.replyContext
        pending.reserveCapacity(rules.maxHoldScalars + 64)
    }

    /// The ids of the prompt contexts the user's message showed (phrase lists or the learned reading), in the
    /// policy file's order: what the filter read the message as asking, never the message itself.
    public var promptReading: [String] {
        rules.promptContextIDs.indices.filter { promptFlags & (1 << UInt64($0)) != 0 }.map { rules.promptContextIDs[$0] }
    }

    /// The verdict reached so far: blocked once any unit was blocked, otherwise allowed.
    public var currentVerdict: OutputVerdict { verdict ?? .allowed }

    /// Adds the next piece of the reply; returns the text that became safe to show, or the block.
    public mutating func push(_ piece: String) -> OutputStreamEvent {
        if let verdict { return .blocked(verdict) }
        guard !finished else { return .emit("") }
        pending.append(contentsOf: piece.unicodeScalars)
        return drain(final: false)
    }

    /// The verdict on `reply` pushed whole and finished (what `OutputFilter.evaluate` returns).
    public mutating func verdict(ofWhole reply: String) -> OutputVerdict {
        if case .blocked(let verdict) = push(reply) { return verdict }
        if case .blocked(let verdict) = finish() { return verdict }
        return .allowed
    }

    /// Ends the reply: evaluates whatever is still held and returns it if safe, or the block.
    public mutating func finish() -> OutputStreamEvent {
        if let verdict { return .blocked(verdict) }
        guard !finished else { return .emit("") }
        let event = drain(final: true)
        finished = true
        return event
    }

    /// Evaluates and releases every complete unit in `pending`.
    private mutating func drain(final: Bool) -> OutputStreamEvent {
        var released = String.UnicodeScalarView()
        while let cut = nextCut(final: final) {
            let unit = String(String.UnicodeScalarView(pending[0..<cut.evaluateEnd]))
            if let blocked = rules.evaluate(unit: unit, context: &context, promptFlags: promptFlags) {
                verdict = blocked
                pending.removeAll()
                return .blocked(blocked)
            }
            released.append(contentsOf: pending[0..<cut.releaseEnd])
            pending.removeFirst(cut.releaseEnd)
            scanFrom = 0
            if pending.isEmpty { break }
        }
        return .emit(String(released))
    }

    /// The next unit in `pending`: how much to evaluate and how much of it to release, or nil when more text is
    /// needed to decide.
    private mutating func nextCut(final: Bool) -> (evaluateEnd: Int, releaseEnd: Int)? {
        let limit = rules.maxHoldScalars
        var index = scanFrom
        while index < pending.count {
            if index >= limit { return forcedCut() }
            let scalar = pending[index]
            if scalar == "\n" { return (index + 1, index + 1) }
            if Self.isTerminal(scalar), !(scalar == "." && Self.followsAbbreviation(pending, at: index)) {
                var next = index + 1
                while next < pending.count, Self.isCloser(pending[next]) { next += 1 }
                if next > limit { return forcedCut() }
                if next == pending.count {
                    if final { return (next, next) }
                    scanFrom = index  // rescan from the punctuation once the lookahead arrives
                    return nil
                }
                if pending[next].properties.isWhitespace { return (next, next) }
                index = next
                continue
            }
            index += 1
        }
        scanFrom = index
        if final, !pending.isEmpty { return (pending.count, pending.count) }
        return nil
    }

    /// A run-on unit reached the limit: evaluate the window, release all but the overlap (cut before whitespace).
    private func forcedCut() -> (evaluateEnd: Int, releaseEnd: Int) {
        let limit = rules.maxHoldScalars
        let keepFrom = limit - rules.overlapScalars
        var cut = keepFrom
        while cut > 0, !pending[cut].properties.isWhitespace { cut -= 1 }
        if cut == 0 { cut = keepFrom }  // no whitespace at all: cut hard, the overlap still covers the seam
        return (limit, cut)
    }

    /// Titles and common abbreviations whose period does not end a sentence ("Dr. Patel", "vs. that").
    private static let abbreviations: Set<String> = ["dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "approx", "jr", "sr"]

    /// Whether the period at `index` closes one of `abbreviations` (decided from the text before it only, so
    /// the decision is the same however the reply was split).
    private static func followsAbbreviation(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var start = index
        while start > 0, index - start < 6, scalars[start - 1].properties.isAlphabetic { start -= 1 }
        guard start < index, index - start <= 5 else { return false }
        if start > 0, scalars[start - 1].properties.isAlphabetic || ("0"..."9").contains(scalars[start - 1]) {
            return false
        }
        let word = String(String.UnicodeScalarView(scalars[start..<index])).lowercased()
        return abbreviations.contains(word)
    }

    private static func isTerminal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ".", "!", "?", "\u{2026}", "\u{3002}", "\u{FF01}", "\u{FF1F}", "\u{0964}": return true
        default: return false
        }
    }

    private static func isCloser(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\"", "'", ")", "]", "\u{2019}", "\u{201D}", "\u{00BB}": return true
        default: return false
        }
    }
}
