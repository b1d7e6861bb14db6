import Foundation

/// The parsed (not yet compiled) content of one `<lang>.rules` file.
///
/// Format, one directive or rule per line, `#` starts a comment:
///   `@lang en`                       required first directive; must match the file name
///   `@words the and you`             words that mark the language (to name the language of a verdict)
///   `@negation not never dont`       words that negate a crisis phrase starting up to three tokens later
///   `@rewrite wanna = want to`       token rewrites applied to text and rules alike (slang, contractions)
///   `@define SELF = (myself|my self)` a macro for `$SELF`
///   `@crisis suicidal_ideation`      starts a section of crisis rules of that category
///   `@idiom` `@context` `@question` `@breaker` `@boundary` `@subject-self` `@subject-other`  guard sections
///   `<id> [flags] : <pattern>`       a rule; flags: `!` `now` `ask` `weak` `self` `noneg` (crisis rules only)
struct ScreenPolicyFile: Sendable {
    struct RawRule: Sendable {
        let line: Int
        let id: String
        let role: ScreenRuleRole
        let flags: ScreenRuleFlags
        let node: PatternNode
    }

    let language: String
    let markerWords: Set<String>
    let negations: Set<String>
    let rewrites: [String: [String]]
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
        var rewrites: [String: [String]] = [:]
        for (number, line) in lines where line.hasPrefix("@") {
            let (directive, rest) = Self.splitDirective(line)
            switch directive {
            case "@lang":
                guard language == nil else { throw invalid(number, "@lang", "declared twice") }
                guard !rest.isEmpty, !rest.contains(" ") else { throw invalid(number, "@lang", "needs one code") }
                language = rest
            case "@words":
                for w in rest.split(separator: " ") { markers.formUnion(Self.baseWords(String(w))) }
            case "@negation":
                negationWords.append(contentsOf: rest.split(separator: " ").map(String.init))
            case "@rewrite":
                let parts = rest.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw invalid(number, "@rewrite", "expected 'word = replacement words'")
                }
                let from = Self.baseWords(parts[0])
                let to = Self.baseWords(parts[1])
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
        let normalise: (String) -> [String] = { word in
            Self.baseWords(word).flatMap { table[$0] ?? [$0] }
        }
        let negations = Set(negationWords.flatMap(normalise))

        // Pass 2: macros and rules, in order, so a macro is defined before use.
        var macros: [String: PatternNode] = [:]
        var role: ScreenRuleRole?
        var rules: [RawRule] = []
        var ids: Set<String> = []
        for (number, line) in lines {
            if line.hasPrefix("@") {
                let (directive, rest) = Self.splitDirective(line)
                switch directive {
                case "@lang", "@words", "@negation", "@rewrite":
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
        self.markerWords = markers
        self.negations = negations
        self.rewrites = rewrites
        self.rules = rules
    }

    /// Words as the text normaliser produces them, without sentence markers.
    static func baseWords(_ text: String) -> [String] {
        TextNormalizer.tokens(text).filter { $0 != TextNormalizer.sentenceStart && $0 != TextNormalizer.questionMark }
    }

    private static func splitDirective(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line, "") }
        return (String(line[..<space]), line[space...].trimmingCharacters(in: .whitespaces))
    }

    /// Where a comment starts: a `#` at the line start or after a space, unless it stands alone as the number
    /// wildcard (followed by a space, `)`, `|` or the end of a pattern).
    private static func commentStart(_ line: String) -> String.Index? {
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == "#" {
                let next = line.index(after: index)
                let before = index == line.startIndex ? " " : line[line.index(before: index)]
                let after: Character = next < line.endIndex ? line[next] : "\n"
                let wildcard = (before == " " || before == "(" || before == "|") && (after == " " || after == ")" || after == "|")
                    && line[..<index].contains(":")
                if !wildcard { return index }
            }
            index = line.index(after: index)
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
