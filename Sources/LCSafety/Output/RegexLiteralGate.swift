/// Derives, from a regular expression, sets of literal strings such that every match contains at least one literal
/// of *each* set — so a pattern can be skipped without running it when some set has no literal in the text.
///
/// Why: ICU matching of ~300 word-alternation patterns per sentence costs more than a millisecond; almost all of
/// them cannot match a given sentence because a word they need is absent. Checking a few hundred literals with
/// `memmem` is an order of magnitude cheaper.
///
/// The analysis is conservative: it understands literals, escapes, classes, groups, alternation and quantifiers,
/// and whenever it meets anything else (inline flags, back-references, an unparsable quantifier) it gives up and
/// returns nil, meaning "always run this pattern". It never claims a literal that a match could lack: optional
/// parts (`?`, `*`, `{0,n}`), classes and lookarounds contribute nothing, and an alternation contributes only if
/// every branch does. Patterns are matched against lower-cased text, so literals are compared as written.
enum RegexLiteralGate {
    /// The most selective single set of literals one of which every match of `pattern` contains, or nil.
    static func requiredLiterals(of pattern: String) -> Set<String>? {
        requiredLiteralSets(of: pattern)?.max { a, b in
            let la = a.map(\.count).min() ?? 0, lb = b.map(\.count).min() ?? 0
            return la != lb ? la < lb : a.count > b.count
        }
    }

    /// Sets of literals such that every match of `pattern` contains a literal of each set (a conjunction of
    /// alternatives), or nil when nothing could be derived. Used as the gate: all sets must be satisfied.
    static func requiredLiteralSets(of pattern: String) -> [Set<String>]? {
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        guard let result = parser.parseTopLevel(), parser.index == parser.scalars.count else { return nil }
        let sets = result.filter { !$0.isEmpty && !$0.contains("") }
        return sets.isEmpty ? nil : sets
    }

    /// What a sub-expression requires: a set of literals (one must occur) or nothing known.
    enum Requirement {
        case unknown
        case some(Set<String>)
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        /// The whole pattern: with one branch, every required element of the sequence; otherwise the union.
        mutating func parseTopLevel() -> [Set<String>]? {
            let start = index
            guard let candidates = parseSequenceCandidates() else { return nil }
            if index == scalars.count { return candidates }
            index = start
            guard let alternation = parseAlternation() else { return nil }
            if case .some(let set) = alternation { return [set] }
            return []
        }

        /// alternation := sequence ('|' sequence)*  — stops before ')' or at the end.
        mutating func parseAlternation() -> Requirement? {
            var branches: [Requirement] = []
            while true {
                guard let branch = parseSequence() else { return nil }
                branches.append(branch)
                if index < scalars.count, scalars[index] == "|" { index += 1; continue }
                break
            }
            var union = Set<String>()
            for branch in branches {
                guard case .some(let set) = branch else { return .unknown }
                union.formUnion(set)
            }
            return .some(union)
        }

        /// sequence := (atom quantifier?)* — its most selective required element.
        mutating func parseSequence() -> Requirement? {
            guard let candidates = parseSequenceCandidates() else { return nil }
            let best = candidates.max { a, b in
                let la = a.map(\.count).min() ?? 0, lb = b.map(\.count).min() ?? 0
                return la != lb ? la < lb : a.count > b.count
            }
            return best.map { .some($0) } ?? .unknown
        }

        /// Every element of a sequence that a match must contain, each as a set of alternative literals.
        mutating func parseSequenceCandidates() -> [Set<String>]? {
            var candidates: [Set<String>] = []
            var run = ""
            func flush() {
                if !run.isEmpty { candidates.append([run]); run = "" }
            }
            while index < scalars.count, scalars[index] != "|", scalars[index] != ")" {
                guard let atom = parseAtom() else { return nil }
                guard let (minimum, present) = parseQuantifier() else { return nil }
                switch atom {
                case .literal(let scalar):
                    if !present {
                        run.unicodeScalars.append(scalar)
                    } else {
                        flush()
                        if minimum >= 1 { candidates.append([String(scalar)]) }
                    }
                case .group(let requirement):
                    flush()
                    if minimum >= 1, case .some(let set) = requirement { candidates.append(set) }
                case .other:
                    flush()
                }
            }
            flush()
            return candidates
        }

        enum Atom {
            case literal(Unicode.Scalar)
            case group(Requirement)
            /// A class, `.`, an anchor or a lookaround: matches no fixed literal.
            case other
        }

        mutating func parseAtom() -> Atom? {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count else { return nil }
                let next = scalars[index + 1]
                index += 2
                if next.properties.isAlphabetic || ("0"..."9").contains(next) {
                    if next == "p" || next == "P" {  // \p{Class}
                        guard index < scalars.count, scalars[index] == "{" else { return nil }
                        while index < scalars.count, scalars[index] != "}" { index += 1 }
                        index += 1
                    }
                    if ["b", "B", "d", "D", "w", "W", "s", "S", "p", "P", "A", "z", "Z", "G", "h", "H", "v", "V", "R", "X"]
                        .contains(next) {
                        return .other
                    }
                    return nil  // back-references, \Q...\E, \x, \u...: not modelled
                }
                return .literal(next)
            case "[":
                index += 1
                if index < scalars.count, scalars[index] == "^" { index += 1 }
                if index < scalars.count, scalars[index] == "]" { index += 1 }
                var depth = 1
                while index < scalars.count, depth > 0 {
                    switch scalars[index] {
                    case "\\": index += 1
                    case "[": depth += 1
                    case "]": depth -= 1
                    default: break
                    }
                    index += 1
                }
                return depth == 0 ? .other : nil
            case "(":
                index += 1
                var lookaround = false
                if index < scalars.count, scalars[index] == "?" {
                    guard index + 1 < scalars.count else { return nil }
                    let kind = scalars[index + 1]
                    if kind == ":" {
                        index += 2
                    } else if kind == "=" || kind == "!" {
                        index += 2; lookaround = true
                    } else if kind == "<", index + 2 < scalars.count, scalars[index + 2] == "=" || scalars[index + 2] == "!" {
                        index += 3; lookaround = true
                    } else {
                        return nil  // inline flags, named groups, atomic groups: not modelled
                    }
                }
                guard let inner = parseAlternation(), index < scalars.count, scalars[index] == ")" else { return nil }
                index += 1
                return lookaround ? .other : .group(inner)
            case ".", "^", "$":
                index += 1
                return .other
            case ")", "|", "*", "+", "?", "{":
                return nil  // a quantifier with nothing before it: leave to ICU
            default:
                index += 1
                return .literal(scalar)
            }
        }

        /// Returns (minimum repetitions, whether a quantifier was present), or nil when it cannot be read.
        mutating func parseQuantifier() -> (Int, Bool)? {
            guard index < scalars.count else { return (1, false) }
            var minimum: Int
            switch scalars[index] {
            case "?", "*": minimum = 0; index += 1
            case "+": minimum = 1; index += 1
            case "{":
                var digits = ""
                var cursor = index + 1
                while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
                    digits.unicodeScalars.append(scalars[cursor]); cursor += 1
                }
                guard let value = Int(digits) else { return nil }
                while cursor < scalars.count, scalars[cursor] != "}" {
                    guard ("0"..."9").contains(scalars[cursor]) || scalars[cursor] == "," else { return nil }
                    cursor += 1
                }
                guard cursor < scalars.count else { return nil }
                minimum = value
                index = cursor + 1
            default:
                return (1, false)
            }
            if index < scalars.count, scalars[index] == "?" || scalars[index] == "+" { index += 1 }
            return (minimum, true)
        }
    }
}
