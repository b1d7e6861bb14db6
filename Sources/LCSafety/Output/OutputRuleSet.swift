import Foundation

/// The compiled, validated output policy: evaluates one unit (a sentence, or a bounded window of a run-on sentence)
/// of an assistant reply against every rule.
///
/// Rules are sentence-level on purpose: the harmful replies this guards against (SAFETY.md "Peers") are a dose, a
/// diagnosis or a claim to be licensed, not crisis words — each is a statement that fits in one sentence, and the
/// sentence is also where the words that make a statement safe live ("talk to your doctor *before* changing your
/// medication"). Context that spans sentences (a reply that talked about suicide earlier) is carried as a set of
/// flags that only ever grows, so the result depends on the text alone and not on how it was split into tokens.
///
/// Immutable after `init`; `NSRegularExpression` is documented thread-safe for matching, hence `@unchecked Sendable`.
final class OutputRuleSet: @unchecked Sendable {
    /// One pattern and the literals one of which any match must contain (see `RegexLiteralGate`).
    struct GatedPattern {
        let regex: NSRegularExpression
        /// Sets of indices into `literals`: the pattern runs only if every set has a literal in the unit.
        /// nil when no requirement could be derived (the pattern always runs).
        let gate: [[Int]]?
    }

    /// A rule ready to run.
    struct CompiledRule {
        let id: String
        let category: OutputBlockCategory
        let patterns: [GatedPattern]
        let unless: [GatedPattern]
        /// Bit of the context this rule needs, or 0 when it needs none.
        let contextMask: UInt64
        /// Bit of the prompt context (the user's message) this rule needs, or 0 when it needs none.
        let promptMask: UInt64
    }

    /// What the user's message a reply answers switched on: prompt-context bits for `requires_prompt` rules and
    /// reply-context bits the reply starts with.
    struct PromptState: Sendable, Equatable {
        var promptFlags: UInt64 = 0
        var replyContext: UInt64 = 0
        /// The first matched context's `answer_with` (in file order), if any.
        var answerWith: OutputBlockCategory?
    }

    /// Stream hold-back bounds, in Unicode scalars (see `OutputPolicyFile.Stream`).
    let maxHoldScalars: Int
    let overlapScalars: Int
    private let contexts: [[GatedPattern]]
    /// Patterns read from the user's message, and the reply-context bits each enables.
    private let promptContexts: [(patterns: [GatedPattern], unless: [GatedPattern], enables: UInt64,
                                  answerWith: OutputBlockCategory?, answerOnReading: Bool)]
    /// The prompt contexts' ids, in file order (bit `i` of `PromptState.promptFlags` is `promptContextIDs[i]`).
    let promptContextIDs: [String]
    /// The learned reading of the message, and per class (after "none") the prompt context's index in
    /// `promptContexts` (nil: patterns only).
    private let promptClassifier: (model: PromptIntentClassifier, contextIndex: [Int])?
    private let rules: [CompiledRule]
    /// Every distinct gate literal, as UTF-8 bytes (lower case).
    private let literals: [[UInt8]]
    private let phoneDetector: (id: String, category: OutputBlockCategory, regex: NSRegularExpression, minDigits: Int)?
    private let emailDetector: (id: String, category: OutputBlockCategory, regex: NSRegularExpression)?
    private let allowlist: ContactAllowlist
    /// The trained second signal, consulted on a unit no rule or detector blocked (nil: rules only).
    private let classifier: OutputClassifier?
    /// The context bit a crisis-aware session starts every reply with (the `self_harm` context), or 0.
    let crisisContextMask: UInt64

    static let rulesFile = "output/rules.json"

    /// Validates and compiles `policy`; any problem is a `SafetyPolicyError` naming the entry.
    /// `literalGates: false` runs every pattern (tests use it to show the pre-filter never changes a verdict).
    /// `classifier` is consulted on units the rules let pass (nil: rules only).
    init(
        policy: OutputPolicyFile, allowlist: ContactAllowlist, classifier: OutputClassifier? = nil,
        promptClassifier: PromptIntentClassifier? = nil, literalGates: Bool = true
    ) throws {
        let file = Self.rulesFile
        func invalid(_ entry: String, _ problem: String) -> SafetyPolicyError {
            .outputPolicyEntryInvalid(file: file, entry: entry, problem: problem)
        }
        guard policy.version == 1 else { throw invalid("version", "unsupported version \(policy.version) (expected 1)") }
        let stream = policy.stream
        guard (64...4096).contains(stream.maxHoldScalars) else {
            throw invalid("stream.max_hold_scalars", "must be between 64 and 4096")
        }
        guard stream.overlapScalars >= 16, stream.overlapScalars * 2 <= stream.maxHoldScalars else {
            throw invalid("stream.overlap_scalars", "must be at least 16 and at most half of max_hold_scalars")
        }
        maxHoldScalars = stream.maxHoldScalars
        overlapScalars = stream.overlapScalars

        // Lexicons: `{name}` in a pattern becomes `(?:term1|term2|...)`, each term escaped literally.
        var expansions: [String: String] = [:]
        for (name, terms) in policy.lexicons {
            guard name.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
                throw invalid("lexicons.\(name)", "lexicon names are lowercase letters, digits and underscores")
            }
            guard !terms.isEmpty else { throw invalid("lexicons.\(name)", "empty word list") }
            if let index = terms.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw invalid("lexicons.\(name)[\(index)]", "empty term")
            }
            // Longest first so the alternation prefers "sleeping pills" over "pills".
            let sorted = terms.map { $0.lowercased() }.sorted { $0.count > $1.count }
            expansions[name] = "(?:" + sorted.map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|") + ")"
        }

        var literalIndex: [String: Int] = [:]
        var literalTable: [[UInt8]] = []
        func compile(_ patterns: [String], entry: String) throws -> [GatedPattern] {
            guard !patterns.isEmpty else { throw invalid(entry, "no patterns") }
            var compiled: [GatedPattern] = []
            for (index, raw) in patterns.enumerated() {
                let where_ = "\(entry)[\(index)]"
                guard !raw.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid(where_, "empty pattern") }
                guard !Self.hasUpperCaseLetter(raw) else {
                    throw invalid(where_, "patterns are matched against lower-cased text: write letters in lower case")
                }
                let expanded = try Self.expandLexicons(raw, expansions: expansions) { name in
                    invalid(where_, "unknown lexicon {\(name)}")
                }
                let regex: NSRegularExpression
                do {
                    regex = try NSRegularExpression(pattern: expanded, options: [])
                } catch {
                    throw invalid(where_, "not a valid regular expression")
                }
                // A pattern that matches empty text would fire on every reply.
                if regex.firstMatch(in: "", options: [], range: NSRange(location: 0, length: 0)) != nil {
                    throw invalid(where_, "pattern matches empty text")
                }
                let gate = (literalGates ? RegexLiteralGate.requiredLiteralSets(of: expanded) : nil).map { sets in
                    sets.map { literals in
                        literals.sorted().map { literal in
                            if let known = literalIndex[literal] { return known }
                            literalTable.append(Array(literal.utf8))
                            literalIndex[literal] = literalTable.count - 1
                            return literalTable.count - 1
                        }
                    }
                }
                compiled.append(GatedPattern(regex: regex, gate: gate))
            }
            return compiled
        }

        guard policy.contexts.count <= 64 else { throw invalid("contexts", "at most 64 contexts") }
        var contextBits: [String: UInt64] = [:]
        var compiledContexts: [[GatedPattern]] = []
        for (index, context) in policy.contexts.enumerated() {
            let entry = "contexts.\(context.id.isEmpty ? String(index) : context.id)"
            guard !context.id.isEmpty else { throw invalid(entry, "empty id") }
            guard contextBits[context.id] == nil else { throw invalid(entry, "duplicate context id") }
            contextBits[context.id] = 1 << UInt64(index)
            compiledContexts.append(try compile(context.patterns, entry: entry))
        }
        contexts = compiledContexts
        crisisContextMask = contextBits["self_harm"] ?? 0

        let promptContextList = policy.promptContexts ?? []
        guard promptContextList.count <= 64 else { throw invalid("prompt_contexts", "at most 64 prompt contexts") }
        var promptBits: [String: UInt64] = [:]
        var compiledPromptContexts: [(patterns: [GatedPattern], unless: [GatedPattern], enables: UInt64,
                                      answerWith: OutputBlockCategory?, answerOnReading: Bool)] = []
        for (index, context) in promptContextList.enumerated() {
            let entry = "prompt_contexts.\(context.id.isEmpty ? String(index) : context.id)"
            guard !context.id.isEmpty else { throw invalid(entry, "empty id") }
            guard promptBits[context.id] == nil else { throw invalid(entry, "duplicate prompt context id") }
            promptBits[context.id] = 1 << UInt64(index)
            var enables: UInt64 = 0
            for name in context.enables ?? [] {
                guard let bit = contextBits[name] else {
                    throw invalid(entry + ".enables", "unknown reply context '\(name)'")
                }
                enables |= bit
            }
            var answerWith: OutputBlockCategory?
            if let name = context.answerWith {
                guard let category = OutputBlockCategory(rawValue: name) else {
                    throw invalid(entry + ".answer_with", "unknown category '\(name)'")
                }
                answerWith = category
            }
            if context.answerOnReading == true, answerWith == nil {
                throw invalid(entry + ".answer_on_reading", "needs answer_with (the fixed answer a reading would choose)")
            }
            let unless = try context.unless.map { try compile($0, entry: entry + ".unless") } ?? []
            compiledPromptContexts.append((try compile(context.patterns, entry: entry), unless, enables, answerWith,
                                           context.answerOnReading ?? false))
        }
        promptContexts = compiledPromptContexts
        promptContextIDs = promptContextList.map(\.id)
        if let promptClassifier {
            var contextIndex: [Int] = []
            for (index, name) in promptClassifier.contexts.enumerated() {
                guard let bit = promptBits[name] else {
                    throw SafetyPolicyError.outputPolicyEntryInvalid(
                        file: PromptIntentClassifier.file, entry: "classes[\(index + 1)]",
                        problem: "'\(name)' is not a prompt context of \(file)")
                }
                contextIndex.append(bit.trailingZeroBitCount)
            }
            self.promptClassifier = (promptClassifier, contextIndex)
        } else {
            self.promptClassifier = nil
        }

        var seenIDs = Set<String>()
        var compiledRules: [CompiledRule] = []
        for (index, rule) in policy.rules.enumerated() {
            let entry = "rules.\(rule.id.isEmpty ? String(index) : rule.id)"
            guard rule.id.range(of: "^[a-z0-9_]+(\\.[a-z0-9_]+)*$", options: .regularExpression) != nil else {
                throw invalid(entry, "rule ids are lowercase words joined by dots")
            }
            guard seenIDs.insert(rule.id).inserted else { throw invalid(entry, "duplicate rule id") }
            guard let category = OutputBlockCategory(rawValue: rule.category) else {
                throw invalid(entry, "unknown category '\(rule.category)'")
            }
            var mask: UInt64 = 0
            if let name = rule.requiresContext {
                guard let bit = contextBits[name] else { throw invalid(entry, "requires unknown context '\(name)'") }
                mask = bit
            }
            var promptMask: UInt64 = 0
            if let name = rule.requiresPrompt {
                guard let bit = promptBits[name] else {
                    throw invalid(entry, "requires unknown prompt context '\(name)'")
                }
                promptMask = bit
            }
            let unless = try rule.unless.map { try compile($0, entry: entry + ".unless") } ?? []
            compiledRules.append(CompiledRule(
                id: rule.id, category: category, patterns: try compile(rule.patterns, entry: entry),
                unless: unless, contextMask: mask, promptMask: promptMask))
        }
        guard !compiledRules.isEmpty else { throw invalid("rules", "no rules: the filter would pass everything") }
        rules = compiledRules
        literals = literalTable

        func builtin(_ pattern: String, _ entry: String) throws -> NSRegularExpression {
            do { return try NSRegularExpression(pattern: pattern) } catch {
                throw invalid(entry, "built-in detector pattern failed to compile")
            }
        }
        var phone: (String, OutputBlockCategory, NSRegularExpression, Int)?
        var email: (String, OutputBlockCategory, NSRegularExpression)?
        for detector in policy.detectors {
            let entry = "detectors.\(detector.id)"
            guard seenIDs.insert(detector.id).inserted else { throw invalid(entry, "duplicate id") }
            guard let category = OutputBlockCategory(rawValue: detector.category) else {
                throw invalid(entry, "unknown category '\(detector.category)'")
            }
            switch detector.kind {
            case "phone_number":
                let minDigits = detector.minDigits ?? 7
                guard (5...15).contains(minDigits) else { throw invalid(entry, "min_digits must be 5...15") }
                guard phone == nil else { throw invalid(entry, "only one phone_number detector") }
                phone = (detector.id, category, try builtin(ContactAllowlist.phonePattern, entry), minDigits)
            case "email":
                guard email == nil else { throw invalid(entry, "only one email detector") }
                email = (detector.id, category, try builtin(ContactAllowlist.emailPattern, entry))
            default:
                throw invalid(entry, "unknown detector kind '\(detector.kind)' (phone_number, email)")
            }
        }
        phoneDetector = phone.map { (id: $0.0, category: $0.1, regex: $0.2, minDigits: $0.3) }
        emailDetector = email.map { (id: $0.0, category: $0.1, regex: $0.2) }
        self.allowlist = allowlist
        self.classifier = classifier
    }

    /// Replaces every `{name}` that names a lexicon; `{2,5}`-style quantifiers are left alone.
    private static func expandLexicons(
        _ pattern: String, expansions: [String: String], unknown: (String) -> SafetyPolicyError
    ) throws -> String {
        var result = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { result += rest[open...]; return result }
            let name = rest[rest.index(after: open)..<close]
            if let first = name.first, first.isLetter {
                guard let expansion = expansions[String(name)] else { throw unknown(String(name)) }
                result += expansion
            } else {
                result += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// Reads the user's message a reply answers (lower-cased and normalised like a unit; the whole message at
    /// once, so patterns may span its sentences within their bounded gaps). Never stored: only the bits are kept.
    func promptState(for prompt: String) -> PromptState {
        var state = PromptState()
        guard !promptContexts.isEmpty, !prompt.isEmpty else { return state }
        var matcher = Matcher(text: Self.normalize(prompt.lowercased()), literalCount: literals.count)
        // A pattern match can replace the model's answer (`answer_with`). The classifier reads wordings no list has,
        // but a misreading must cost no more than stricter rules on the reply ("is it ok if I don't reply right
        // away?" read as a medication question must not get the medication text) — except for a context that opts
        // in with `answer_on_reading`, whose fixed answer is gentle enough to give on a misreading, and then only on
        // a sure reading (`answer_threshold`).
        for (index, context) in promptContexts.enumerated()
        where matcher.matches(context.patterns, literals) && !matcher.matches(context.unless, literals) {
            state.promptFlags |= 1 << UInt64(index)
            state.replyContext |= context.enables
            if state.answerWith == nil { state.answerWith = context.answerWith }  // the first in file order
        }
        if let (model, contextIndex) = promptClassifier, let read = model.reading(of: prompt) {
            let index = contextIndex[read.context]
            let context = promptContexts[index]
            if !matcher.matches(context.unless, literals) {
                state.promptFlags |= 1 << UInt64(index)
                state.replyContext |= context.enables
                if state.answerWith == nil, context.answerOnReading, read.sure { state.answerWith = context.answerWith }
            }
        }
        return state
    }

    /// Evaluates one unit. `context` carries the flags seen so far in this reply and is updated first, so a unit
    /// can enable its own context-dependent rules; `promptFlags` are what the user's message showed
    /// (`promptState(for:)`). Returns the first rule that fires, else the classifier's verdict, or nil.
    func evaluate(unit rawUnit: String, context: inout UInt64, promptFlags: UInt64 = 0) -> OutputVerdict? {
        var matcher = Matcher(text: Self.normalize(rawUnit.lowercased()), literalCount: literals.count)
        let unit = matcher.text
        let range = NSRange(location: 0, length: unit.utf16.count)
        let bytes = matcher.bytes
        for (index, patterns) in contexts.enumerated() where context & (1 << UInt64(index)) == 0 {
            if matcher.matches(patterns, literals) { context |= 1 << UInt64(index) }
        }
        for rule in rules where (rule.contextMask == 0 || context & rule.contextMask != 0)
            && (rule.promptMask == 0 || promptFlags & rule.promptMask != 0) {
            guard matcher.matches(rule.patterns, literals) else { continue }
            if matcher.matches(rule.unless, literals) { continue }
            return OutputVerdict(category: rule.category, reason: rule.id)
        }
        if let phone = phoneDetector {
            for match in phone.regex.matches(in: unit, options: [], range: range) {
                guard let swiftRange = Range(match.range, in: unit) else { continue }
                if !allowlist.allowsPhone(unit[swiftRange], minDigits: phone.minDigits) {
                    return OutputVerdict(category: phone.category, reason: phone.id)
                }
            }
        }
        if let email = emailDetector, bytes.contains(UInt8(ascii: "@")) {
            for match in email.regex.matches(in: unit, options: [], range: range) {
                guard let swiftRange = Range(match.range, in: unit) else { continue }
                if !allowlist.allowsEmail(unit[swiftRange]) {
                    return OutputVerdict(category: email.category, reason: email.id)
                }
            }
        }
        return classifier?.evaluate(unit: rawUnit, hasContext: context != 0)
    }

    /// True when a pattern has an upper-case letter outside an escape (`\B`, `\p{Lu}` are fine).
    private static func hasUpperCaseLetter(_ pattern: String) -> Bool {
        var escaped = false
        var inProperty = false
        for scalar in pattern.unicodeScalars {
            if inProperty { if scalar == "}" { inProperty = false }; continue }
            if escaped {
                escaped = false
                if scalar == "p" || scalar == "P" { inProperty = true }
                continue
            }
            if scalar == "\\" { escaped = true; continue }
            if scalar.properties.isUppercase { return true }
        }
        return false
    }

    /// Typographic quotes become ASCII so patterns need only spell "don't" one way.
    private static func normalize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x2018 && $0.value <= 0x201D }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x2018, 0x2019: scalars.append("'")
            case 0x201C, 0x201D: scalars.append("\"")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
