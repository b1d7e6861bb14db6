/// A token pattern from a screen policy file, parsed and compiled to a tiny backtracking program.
///
/// Syntax (whitespace separates items; words are normalised like message text, so `don't`, `dont` and `DON'T`
/// are the same word, and `kill` also matches `killll`):
///   `word`          one token (a word that normalises to several tokens matches them in order)
///   `word*`         any token starting with `word`
///   `(a|b c|)`      alternatives, each a sequence; an empty alternative makes the group optional
///   `?item`         optional item; `(group)?` too
///   `..N`           a gap of 0...N tokens (N ≤ 12), never crossing a sentence start
///   `_`             exactly one token; `#` one number; `##` a number ≥ 10; `#year` a year (1900–2099)
///   `$NAME`         a macro defined with `@define NAME = pattern`
///   `<s>`           a sentence start; `<?>` the end of a question
/// Regular expressions are deliberately not used: a clinic can read and edit these, and matching stays linear
/// enough to screen a message in microseconds.
indirect enum PatternNode: Sendable {
    case sequence([PatternNode])
    case alternatives([PatternNode])
    case optional(PatternNode)
    case gap(Int)
    case word(String)
    case prefix(String)
    case anyToken
    case number(NumberKind)

    /// Which numbers a `#` item accepts.
    enum NumberKind: Sendable { case any, atLeastTen, year }

    /// The fewest tokens this node can match; a rule must match at least one.
    var minimumLength: Int {
        switch self {
        case .sequence(let items): return items.reduce(0) { $0 + $1.minimumLength }
        case .alternatives(let options): return options.map(\.minimumLength).min() ?? 0
        case .optional, .gap: return 0
        case .word, .prefix, .anyToken, .number: return 1
        }
    }

    /// Every literal word in the node, for the vocabulary.
    func collectWords(into set: inout Set<String>) {
        switch self {
        case .sequence(let items), .alternatives(let items): items.forEach { $0.collectWords(into: &set) }
        case .optional(let item): item.collectWords(into: &set)
        case .word(let word): set.insert(word)
        case .gap, .prefix, .anyToken, .number: break
        }
    }
}

/// Parses the pattern syntax above. `normalise` turns a written word into the tokens text would produce for it;
/// `macros` holds already-parsed `@define`s. Errors are plain strings; the policy loader adds file and line.
struct PatternParser {
    let normalise: (String) -> [String]
    let macros: [String: PatternNode]

    /// The largest gap a rule may use: longer gaps make rules match across unrelated clauses.
    static let maximumGap = 12

    func parse(_ text: String) throws(PatternSyntaxError) -> PatternNode {
        var lexemes = lex(text)[...]
        let node = try parseAlternatives(&lexemes)
        if let extra = lexemes.first {
            throw PatternSyntaxError("unexpected '\(extra)'")
        }
        return node
    }

    private func lex(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var previous: Character = " "
        for c in text {
            defer { previous = c }
            if c == "(" || c == ")" || c == "|" {
                if !current.isEmpty { out.append(current); current = "" }
                out.append(String(c))
            } else if c == " " || c == "\t" {
                if !current.isEmpty { out.append(current); current = "" }
            } else if c == "?" && current.isEmpty {
                // Directly after ")" a "?" makes the group optional: "(the )?"; elsewhere it prefixes an item.
                out.append(out.last == ")" && previous == ")" ? "?post" : "?")
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private func parseAlternatives(_ lexemes: inout ArraySlice<String>) throws(PatternSyntaxError) -> PatternNode {
        var options = [try parseSequence(&lexemes)]
        while lexemes.first == "|" {
            lexemes.removeFirst()
            options.append(try parseSequence(&lexemes))
        }
        return options.count == 1 ? options[0] : .alternatives(options)
    }

    private func parseSequence(_ lexemes: inout ArraySlice<String>) throws(PatternSyntaxError) -> PatternNode {
        var items: [PatternNode] = []
        while let next = lexemes.first, next != "|", next != ")" {
            let item = try parseItem(&lexemes)
            if lexemes.first == "?post" {
                lexemes.removeFirst()
                items.append(.optional(item))
            } else {
                items.append(item)
            }
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private func parseItem(_ lexemes: inout ArraySlice<String>) throws(PatternSyntaxError) -> PatternNode {
        guard let lexeme = lexemes.popFirst() else { throw PatternSyntaxError("pattern ends too early") }
        switch lexeme {
        case "?":
            guard let next = lexemes.first, next != ")", next != "|" else {
                throw PatternSyntaxError("'?' must be followed by an item")
            }
            return .optional(try parseItem(&lexemes))
        case "(":
            let inner = try parseAlternatives(&lexemes)
            guard lexemes.popFirst() == ")" else { throw PatternSyntaxError("missing ')'") }
            return inner
        case ")":
            throw PatternSyntaxError("unbalanced ')'")
        case "?post":
            throw PatternSyntaxError("'?' after nothing to make optional")
        case "_":
            return .anyToken
        case "#":
            return .number(.any)
        case "##":
            return .number(.atLeastTen)
        case "#year":
            return .number(.year)
        case TextNormalizer.sentenceStart, TextNormalizer.questionMark:
            return .word(lexeme)
        default:
            break
        }
        if lexeme.hasPrefix("..") {
            guard let n = Int(lexeme.dropFirst(2)), n >= 1, n <= Self.maximumGap else {
                throw PatternSyntaxError("gap '\(lexeme)' must be ..1 to ..\(Self.maximumGap)")
            }
            return .gap(n)
        }
        if lexeme.hasPrefix("$") {
            let name = String(lexeme.dropFirst())
            guard let macro = macros[name] else { throw PatternSyntaxError("unknown macro $\(name)") }
            return macro
        }
        if lexeme.hasSuffix("*") {
            let stem = normalise(String(lexeme.dropLast()))
            guard stem.count == 1, stem[0].count >= 2 else {
                throw PatternSyntaxError("prefix '\(lexeme)' must be one word of at least two letters")
            }
            return .prefix(stem[0])
        }
        let words = normalise(lexeme)
        guard !words.isEmpty else { throw PatternSyntaxError("'\(lexeme)' has no letters or digits") }
        return words.count == 1 ? .word(words[0]) : .sequence(words.map { .word($0) })
    }
}

/// A pattern syntax problem, described without any message text.
struct PatternSyntaxError: Error, Sendable {
    let problem: String
    init(_ problem: String) { self.problem = problem }
}
