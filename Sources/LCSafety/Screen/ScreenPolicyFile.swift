import Foundation

/// The parsed (not yet compiled) content of one `<lang>.rules` file.
///
/// Format, one directive or rule per line, `#` starts a comment:
///   `@lang en`                       required first directive; must match the file name
///   `@words the and you`             words that mark the language (to name the language of a verdict)
///   `@negation not never dont`       words that negate a crisis phrase starting up to five tokens later
///   `@negation-after nahi`           words that negate a crisis phrase ending up to three tokens before
///   `@clitic m = am`                 an ending split off at an apostrophe and expanded (`i'm` → `i am`); an
///                                    empty expansion drops it (`@clitic s =`: `mom's` → `mom`); a word whose
///                                    apostrophe-free form is a rewrite (`it's` → `its` → `it is`) is rewritten instead
///   `@elision j m t s l d n c qu`    prefixes split off at an apostrophe (`j'ai` → `j ai`); other apostrophes
///                                    are dropped (`don't` → `dont`)
///   `@rewrite wanna = want to`       token rewrites applied to text and rules alike (slang, contractions)
///   `@define SELF = (myself|my self)` a macro for `$SELF`
///   `@crisis suicidal_ideation`      starts a section of crisis rules of that category
///   `@idiom` `@context` `@question` `@breaker` `@boundary` `@subject-self` `@subject-other`  guard sections
///   `<id> [flags] : <pattern>`       a rule; flags: `!` `now` `ask` `weak` `self` `noneg` `mine` (crisis rules only)
struct ScreenPolicyFile: Sendable {
    struct RawRule: Sendable {
        let line: Int
        let id: String
        let role: ScreenRuleRole
        let flags: ScreenRuleFlags
        let node: PatternNode
    }

    let language: String
    let elisions: Set<String>
    let markerWords: Set<String>
    let negations: Set<String>
    let negationsAfter: Set<String>
    let rewrites: [String: [String]]
    let clitics: [String: [String]]
    let rules: [RawRule]

    /// Parses `text`, the content of `file` (a name relative to the policy folder, used in errors).
    init(file: String, text: String) throws(SafetyPolicyError) {
        func invalid(_ line: Int, _ entry: String, _ problem: String) -> SafetyPolicyError {
            .screenPolicyEntryInvalid(file: file, line: line, entry: entry, problem: problem)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap {
            (index, raw) -> (Int, String)? in
            var line = String(raw)
            if let comment = Self.commentStart(line) { line = String(line[..<comment]) }
            line = line.trimmingCharacters(in: .whitespaces)
            return line.isEmpty ? nil : (index + 1, line)
        }

        // Pass 1: language, words, negations, rewrites; they shape how every pattern word is normalised.
        var language: String?
        var markers: Set<String> = []
        var negationWords: [String] = []
        var negationAfterWords: [String] = []
        var rewrites: [String: [String]] = [:]
        var elisions: Set<String> = []
        var clitics: [String: [String]] = [:]
        for (number, line) in lines where line.hasPrefix("@") {
            let (directive, rest) = Self.splitDirective(line)
            if directive == "@elision" {
                for w in rest.split(separator: " ") { elisions.formUnion(Self.baseWords(String(w), elisions: [])) }
                guard !rest.isEmpty else { throw invalid(number, "@elision", "needs at least one word") }
            } else if directive == "@clitic" {
                let parts = rest.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                let from = parts.first.map { Self.baseWords($0, elisions: []) } ?? []
                let to = parts.count == 2 ? Self.baseWords(parts[1], elisions: []) : []
                guard parts.count == 2, from.count == 1 else {
                    throw invalid(number, "@clitic", "expected 'ending = words' (words may be empty), e.g. '@clitic m = am'")
                }
                clitics[from[0]] = to
            }
        }
        for (number, line) in lines where line.hasPrefix("@") {
            let (directive, rest) = Self.splitDirective(line)
            switch directive {
            case "@lang":
                guard language == nil else { throw invalid(number, "@lang", "declared twice") }
                guard !rest.isEmpty, !rest.contains(" ") else { throw invalid(number, "@lang", "needs one code") }
                language = rest
            case "@elision", "@clitic":
                continue
            case "@words":
                for w in rest.split(separator: " ") { markers.formUnion(Self.baseWords(String(w), elisions: elisions)) }
            case "@negation":
                negationWords.append(contentsOf: rest.split(separator: " ").map(String.init))
            case "@negation-after":
                negationAfterWords.append(contentsOf: rest.split(separator: " ").map(String.init))
            case "@rewrite":
                let parts = rest.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw invalid(number, "@rewrite", "expected 'word = replacement words'")
                }
                let from = Self.baseWords(parts[0], elisions: elisions)
                let to = Self.baseWords(parts[1], elisions: elisions)
                guard from.count == 1, !to.isEmpty else {
                    throw invalid(number, "@rewrite \(parts[0])", "the left side must be exactly one word")
                }
                guard rewrites[from[0]] == nil else { throw invalid(number, "@rewrite \(parts[0])", "rewritten twice") }
                rewrites[from[0]] = to
            default:
                break
            }
        }
        guard let language else { throw invalid(1, "@lang", "missing; every rules file starts with '@lang <code>'") }
        let expected = FileName(path: file).withoutExtension
        guard language == expected else {
            throw invalid(lines.first?.0 ?? 1, "@lang \(language)", "does not match the file name '\(expected)'")
        }
        let table = rewrites
        let elided = elisions
        let cliticTable = clitics
        let rewrittenWords = Set(rewrites.keys)
        let normalise: (String) -> [String] = { word in
            Self.baseWords(word, elisions: elided, clitics: cliticTable, rewritten: rewrittenWords)
                .flatMap { table[$0] ?? [$0] }
        }
        let negations = Set(negationWords.flatMap(normalise))
        let negationsAfter = Set(negationAfterWords.flatMap(normalise))

        // Pass 2: macros and rules, in order, so a macro is defined before use.
        var macros: [String: PatternNode] = [:]
        var role: ScreenRuleRole?
        var rules: [RawRule] = []
        var ids: Set<String> = []
        for (number, line) in lines {
            if line.hasPrefix("@") {
                let (directive, rest) = Self.splitDirective(line)
                switch directive {
                case "@lang", "@words", "@negation", "@negation-after", "@rewrite", "@elision", "@clitic":
                    continue
                case "@define":
                    let parts = rest.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, let name = parts.first, Self.isIdentifier(name, upper: true) else {
                        throw invalid(number, "@define", "expected 'NAME = pattern' with an upper-case NAME")
                    }
                    guard macros[name] == nil else { throw invalid(number, "@define \(name)", "defined twice") }
                    do {
                        macros[name] = try PatternParser(normalise: normalise, macros: macros).parse(parts[1])
                    } catch {
                        throw invalid(number, "@define \(name)", error.problem)
                    }
                case "@crisis":
                    guard let category = CrisisCategory(rawValue: rest) else {
                        let known = CrisisCategory.allCases.map(\.rawValue).joined(separator: ", ")
                        throw invalid(number, "@crisis \(rest)", "unknown category (known: \(known))")
                    }
                    role = .crisis(category)
                default:
                    guard let guardRole = ScreenRuleRole.named(String(directive.dropFirst())), rest.isEmpty else {
                        throw invalid(number, directive, "unknown directive")
                    }
                    role = guardRole
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw invalid(number, String(line.prefix(24)), "expected '<id> [flags] : <pattern>'")
            }
            let head = line[..<colon].split(separator: " ").map(String.init)
            let body = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard let id = head.first, Self.isIdentifier(id, upper: false) else {
                throw invalid(number, String(line.prefix(24)), "a rule id uses a-z, 0-9, '.', '_' and '-'")
            }
            guard let role else { throw invalid(number, id, "rule before any section (@crisis ..., @idiom, ...)") }
            guard ids.insert(id).inserted else { throw invalid(number, id, "duplicate rule id") }
            var flags: ScreenRuleFlags = []
            for name in head.dropFirst() {
                guard let flag = ScreenRuleFlags.named(name) else { throw invalid(number, id, "unknown flag '\(name)'") }
                flags.insert(flag)
            }
            if case .crisis = role {} else if !flags.isEmpty {
                throw invalid(number, id, "flags are only allowed on crisis rules")
            }
            guard !body.isEmpty else { throw invalid(number, id, "empty pattern") }
            let node: PatternNode
            do {
                node = try PatternParser(normalise: normalise, macros: macros).parse(body)
            } catch {
                throw invalid(number, id, error.problem)
            }
            guard node.minimumLength >= 1 else { throw invalid(number, id, "pattern can match nothing") }
            rules.append(RawRule(line: number, id: id, role: role, flags: flags, node: node))
        }

        self.language = language
        self.elisions = elisions
        self.clitics = clitics
        self.markerWords = markers
        self.negations = negations
        self.negationsAfter = negationsAfter
        self.rewrites = rewrites
        self.rules = rules
    }

    /// Words as the text normaliser and a language with these elisions produce them, without markers.
    static func baseWords(_ text: String, elisions: Set<String>, clitics: [String: [String]] = [:],
                          rewritten: Set<String> = []) -> [String] {
        TextNormalizer.tokens(text).filter {
            $0 != TextNormalizer.sentenceStart && $0 != TextNormalizer.questionMark && $0 != TextNormalizer.pause
        }.flatMap { LanguageScreen.apostrophes($0, elisions: elisions, clitics: clitics, rewritten: rewritten) }
    }

    private static func splitDirective(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line, "") }
        return (String(line[..<space]), line[space...].trimmingCharacters(in: .whitespaces))
    }

    /// Where a comment starts: at a `#` that begins the line or follows a space, unless (after a rule's or
    /// macro's `:`/`=`) it is a number wildcard item: `#`, `##` or `#year`, standing alone or inside `( | )`.
    private static func commentStart(_ line: String) -> String.Index? {
        let chars = Array(line)
        var inPattern = false
        var k = 0
        while k < chars.count {
            let c = chars[k]
            if c == ":" || c == "=" { inPattern = true }
            if c == "#" {
                let before: Character = k == 0 ? " " : chars[k - 1]
                var end = k
                while end < chars.count, !" )|(".contains(chars[end]) { end += 1 }
                let item = String(chars[k..<end])
                let wildcard = inPattern && " (|?".contains(before) && ["#", "##", "#year"].contains(item)
                if !wildcard { return line.index(line.startIndex, offsetBy: k) }
                k = end
                continue
            }
            k += 1
        }
        return nil
    }

    private static func isIdentifier(_ text: String, upper: Bool) -> Bool {
        guard !text.isEmpty else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            if upper { return ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" }
            return ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || ".-_".unicodeScalars.contains(scalar)
        }
    }
}

/// The last path component of a policy file name, without its extension.
private struct FileName {
    let path: String
    var withoutExtension: String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = last.lastIndex(of: ".") else { return last }
        return String(last[..<dot])
    }
}
