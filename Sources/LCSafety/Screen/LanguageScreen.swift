/// One language's compiled rules, and the evaluation of a message against them.
///
/// Every language screens every message (people mix languages: "mujhe suicide karna hai", "je veux kms"), each
/// on its own token stream: rewrites, spaced-letter joining and typo repair depend on the language's vocabulary.
struct LanguageScreen: Sendable {
    /// A crisis match that survived every guard.
    struct Finding: Sendable {
        let ruleId: String
        let category: CrisisCategory
        let flags: ScreenRuleFlags
    }

    let language: String
    private let vocabulary: [String: Int32]
    private let knownWords: Set<String>
    private let rewrites: [String: [String]]
    private let elisions: Set<String>
    private let clitics: [String: [String]]
    private let rewrittenWords: Set<String>
    private let corrector: TypoCorrector
    private let markerWords: Set<String>
    private let negationIds: Set<Int32>
    private let negationAfterIds: Set<Int32>
    private let sentenceStartId: Int32
    private let crisis: RuleSet
    private let idioms: RuleSet
    private let contexts: RuleSet
    private let questions: RuleSet
    private let breakers: RuleSet
    private let boundaries: RuleSet
    private let selfSubjects: RuleSet
    private let otherSubjects: RuleSet

    /// Crisis rules per category, to check that the policy covers every category.
    let categories: Set<CrisisCategory>

    init(_ file: ScreenPolicyFile) {
        language = file.language
        var words: Set<String> = [TextNormalizer.sentenceStart, TextNormalizer.questionMark]
        var crisisWords: Set<String> = []
        for rule in file.rules {
            rule.node.collectWords(into: &words)
            if case .crisis = rule.role { rule.node.collectWords(into: &crisisWords) }
        }
        words.formUnion(file.negations)
        words.formUnion(file.negationsAfter)
        var vocabulary: [String: Int32] = [:]
        for word in words.sorted() { vocabulary[word] = Int32(vocabulary.count) }
        self.vocabulary = vocabulary
        knownWords = words.union(file.markerWords).union(file.rewrites.values.joined())
        rewrites = file.rewrites
        elisions = file.elisions
        clitics = file.clitics
        rewrittenWords = Set(file.rewrites.keys)
        corrector = TypoCorrector(targets: crisisWords)
        markerWords = file.markerWords
        negationIds = Set(file.negations.compactMap { vocabulary[$0] })
        negationAfterIds = Set(file.negationsAfter.compactMap { vocabulary[$0] })
        sentenceStartId = vocabulary[TextNormalizer.sentenceStart] ?? -1

        func compile(_ keep: (ScreenRuleRole) -> Bool) -> RuleSet {
            RuleSet(file.rules.filter { keep($0.role) }.map { raw in
                ScreenRule(id: "\(file.language).\(raw.id)", role: raw.role, flags: raw.flags,
                           program: PatternProgram(raw.node, intern: { vocabulary[$0] ?? -1 }))
            })
        }
        crisis = compile { if case .crisis = $0 { return true } else { return false } }
        idioms = compile { $0 == .idiom }
        contexts = compile { $0 == .context }
        questions = compile { $0 == .question }
        breakers = compile { $0 == .breaker }
        boundaries = compile { $0 == .boundary }
        selfSubjects = compile { $0 == .subjectSelf }
        otherSubjects = compile { $0 == .subjectOther }
        categories = Set(file.rules.compactMap { if case .crisis(let c) = $0.role { return c } else { return nil } })
    }

    /// How many of the message's words mark this language.
    func markerCount(_ base: [String]) -> Int {
        base.reduce(0) { $0 + (markerWords.contains($1) ? 1 : 0) }
    }

    /// The message as this language sees it: spaced letters joined, rewrites applied, typos repaired, ids looked up.
    func stream(for base: [String]) -> TokenStream {
        var texts: [String] = []
        var pauses: [Bool] = []
        texts.reserveCapacity(base.count + 8)
        var pending = false
        var index = 0
        func append(_ token: String) {
            texts.append(token)
            pauses.append(pending)
            pending = false
        }
        while index < base.count {
            if base[index] == TextNormalizer.pause {
                pending = true
                index += 1
                continue
            }
            // "k i l l  m y s e l f": three or more single letters in a row are one hidden word or more.
            var end = index
            while end < base.count, base[end].count == 1, base[end].first?.isLetter == true { end += 1 }
            if end - index >= 3 {
                let joined = TextNormalizer.finish(base[index..<end].joined()) ?? ""
                segment(joined).forEach(append)
                index = end
                continue
            }
            func add(_ token: String) {
                if let replacement = rewrites[token] {
                    replacement.forEach(append)
                } else if let fixed = corrector.correct(token, known: knownWords) {
                    append(fixed)
                } else {
                    append(token)
                }
            }
            let token = base[index]
            if token.utf8.contains(0x27) {
                Self.apostrophes(token, elisions: elisions, clitics: clitics, rewritten: rewrittenWords).forEach(add)
            } else {
                add(token)
            }
            index += 1
        }
        let ids = texts.map { vocabulary[$0] ?? -1 }
        return TokenStream(texts: texts, ids: ids, pauseBefore: pauses, sentenceStartId: sentenceStartId)
    }

    /// Resolves apostrophes inside a word: a declared clitic ending is split off and expanded (`life's` →
    /// `life is`), a declared elided prefix is split off (`j'ai` → `j`, `ai`), any other apostrophe is dropped
    /// (`don't` → `dont`), so a word typed with or without its apostrophe meets the same rule.
    static func apostrophes(_ token: String, elisions: Set<String>, clitics: [String: [String]] = [:],
                            rewritten: Set<String> = []) -> [String] {
        guard token.contains("'") else { return [token] }
        let parts = token.split(separator: "'").map(String.init)
        let joined = TextNormalizer.collapse(parts.joined())
        if rewritten.contains(joined) { return [joined] }                 // "it's" → "its" → rewrite "it is"
        if parts.count == 2, let expansion = clitics[parts[1]] {
            return [TextNormalizer.collapse(parts[0])] + expansion       // "life's" → "life is", "i'm" → "i am"
        }
        if parts.count >= 2, elisions.contains(parts[0]) {
            return [parts[0], TextNormalizer.collapse(parts.dropFirst().joined())]
        }
        return [TextNormalizer.collapse(parts.joined())]
    }

    /// Splits a run of joined letters into known words, longest first; what cannot be split stays whole.
    private func segment(_ joined: String) -> [String] {
        let chars = Array(joined)
        var out: [String] = []
        var start = 0
        while start < chars.count {
            var found = 0
            var length = min(chars.count - start, 24)
            while length >= 2 {
                if knownWords.contains(String(chars[start..<(start + length)])) { found = length; break }
                length -= 1
            }
            if found == 0 {
                out.append(String(chars[start...]))
                break
            }
            out.append(String(chars[start..<(start + found)]))
            start += found
        }
        return out
    }

    /// Crisis matches in `stream` that no guard drops.
    func findings(in stream: TokenStream) -> [Finding] { evaluate(stream).findings }

    /// Crisis matches in `stream` that no guard drops, and the 0-based sentences in which an idiom, negation,
    /// context or general-question guard dropped a match (the classifier leaves those sentences alone).
    func evaluate(_ stream: TokenStream) -> (findings: [Finding], clearedSentences: Set<Int>) {
        let hits = crisis.matches(in: stream)
        if hits.isEmpty { return ([], []) }

        // Clause numbers: a new clause at every sentence start and at every boundary phrase.
        // A comma followed by "I ..." also starts one ("this course, I want to die").
        let selfMatches = selfSubjects.matches(in: stream)
        var boundaryStarts = Set(boundaries.matches(in: stream).map(\.start))
        for match in selfMatches where stream.pauseBefore[match.start] { boundaryStarts.insert(match.start) }
        var clause = [Int](repeating: 0, count: stream.count)    // Shape: (tokens).
        var sentence = [Int](repeating: -1, count: stream.count)  // Shape: (tokens); 0-based, -1 before the first.
        var current = 0
        var sentenceNumber = -1
        for p in 0..<stream.count {
            if stream.ids[p] == sentenceStartId { sentenceNumber += 1 }
            if stream.ids[p] == sentenceStartId || boundaryStarts.contains(p) { current += 1 }
            clause[p] = current
            sentence[p] = sentenceNumber
        }
        let otherMatches = otherSubjects.matches(in: stream)
        // "mi amigo", "my friend": the possessive inside a phrase naming someone else is not the writer.
        let selfClauses = Set(selfMatches.filter { match in
            !otherMatches.contains { $0.start <= match.start && match.end <= $0.end }
        }.map { clause[$0.start] })
        let idiomSpans = idioms.matches(in: stream)
        let contextClauses = Set(contexts.matches(in: stream).map { clause[$0.start] })
        let questionClauses = Set(questions.matches(in: stream).map { clause[$0.start] })
        let breakerSpans = breakers.matches(in: stream)
        let subjects = selfMatches.map { ($0, false) }
            + otherMatches.map { ($0, true) }

        var out: [Finding] = []
        var cleared: Set<Int> = []
        for hit in hits {
            let rule = crisis.rules[hit.rule]
            guard case .crisis(var category) = rule.role else { continue }
            if idiomSpans.contains(where: { $0.start < hit.end && hit.start < $0.end }) {
                cleared.insert(sentence[hit.start])
                continue
            }
            if !rule.flags.contains(.noNegation), negated(hit, rule.program.literalIds, stream, breakerSpans, clause) {
                cleared.insert(sentence[hit.start])
                continue
            }
            if !rule.flags.contains(.overrideContext), contextClauses.contains(clause[hit.start]) {
                cleared.insert(sentence[hit.start])
                continue
            }
            // A general question about a topic word is not a crisis; one about the writer's own state may be
            // ("are my suicidal thoughts serious?"), so a nearby first-person subject keeps it.
            if rule.flags.contains(.weak), questionClauses.contains(clause[hit.start]),
               !selfClauses.contains(clause[hit.start]) || Self.nearestSubject(before: hit.start, subjects, stream) != false {
                cleared.insert(sentence[hit.start])
                continue
            }
            if rule.flags.contains(.mine), Self.nearestSubject(before: hit.start, subjects, stream) != false { continue }
            if !rule.flags.contains(.selfSubject), Self.resolvable.contains(category),
               Self.subjectIsOther(before: hit.start, subjects, stream) {
                category = .thirdParty
            }
            out.append(Finding(ruleId: rule.id, category: category, flags: rule.flags))
        }
        return (out, cleared)
    }

    /// Categories whose rules describe the writer unless a nearer subject says otherwise.
    private static let resolvable: Set<CrisisCategory> = [
        .suicidalIdeation, .suicidePlan, .selfHarm, .medicalEmergency, .commandHallucinations, .harmToOthers,
    ]

    /// A negation word in the five tokens before the match (same clause, no pause between) or inside it where
    /// the pattern does not name it, and not part of a breaker phrase ("can't stop", "not okay").
    private func negated(_ hit: RuleSet.Match, _ literals: Set<Int32>, _ stream: TokenStream,
                         _ breakerSpans: [RuleSet.Match], _ clause: [Int]) -> Bool {
        func negates(_ q: Int) -> Bool {
            negationIds.contains(stream.ids[q]) && !breakerSpans.contains(where: { $0.start <= q && q < $0.end })
        }
        for q in hit.start..<hit.end where !literals.contains(stream.ids[q]) && negates(q) { return true }
        var q = hit.start - 1
        while q >= 0, q >= hit.start - 5, clause[q] == clause[hit.start], !stream.pauseBefore[q + 1] {
            if negates(q) { return true }
            q -= 1
        }
        // Languages that negate after the verb ("khayal nahi aate").
        q = hit.end
        while q < stream.count, q < hit.end + 3, clause[q] == clause[hit.start], !stream.pauseBefore[q] {
            if negationAfterIds.contains(stream.ids[q]),
               !breakerSpans.contains(where: { $0.start <= q && q < $0.end }) { return true }
            q += 1
        }
        return false
    }

    /// The nearest subject phrase before `start` in the same sentence (within ten tokens) names someone else.
    private static func subjectIsOther(before start: Int, _ subjects: [(RuleSet.Match, Bool)], _ stream: TokenStream) -> Bool {
        nearestSubject(before: start, subjects, stream) ?? false
    }

    /// Whether the nearest subject phrase before `start` (same sentence, within ten tokens) is someone else
    /// (true), the writer (false), or there is none (nil).
    private static func nearestSubject(before start: Int, _ subjects: [(RuleSet.Match, Bool)], _ stream: TokenStream) -> Bool? {
        var best: (end: Int, other: Bool)? = nil
        for (match, other) in subjects where match.end <= start + 1 && match.start < start && start - match.end <= 10 {
            var crossesSentence = false
            var q = match.end
            while q < start { if stream.ids[q] == stream.sentenceStartId { crossesSentence = true; break }; q += 1 }
            if crossesSentence { continue }
            if best == nil || match.end > best!.end || (match.end == best!.end && other) { best = (match.end, other) }
        }
        return best?.other
    }
}
