import Foundation

/// Language-independent first pass over a message: the same text written many ways becomes one token stream.
///
/// Folding: Unicode compatibility decomposition with diacritics dropped (`é` → `e`, full-width → ASCII), lower
/// case, `ß` → `ss`; curly apostrophes become `'` (each language then joins `I'm` → `im` or splits an elision
/// `j'ai` → `j ai`, see `LanguageScreen.apostrophes`); leetspeak
/// inside words (`k1ll`, `su1c1d3`); runs of a repeated letter collapse to one (`dieeee` → `die`, and `kill` →
/// `kil` on both the text and the policy side, so elongation never matters). Sentence starts become the marker
/// token `<s>`, a sentence ending in a question mark adds `<?>`. A sentence of fewer than three words is merged
/// into its neighbour so "i'm done. with everything. with life." stays one unit.
///
/// Policy files go through the same pass, so a rule is written as ordinary text.
enum TextNormalizer {
    /// Marks the start of a sentence; gaps in patterns never cross it.
    static let sentenceStart = "<s>"
    /// Marks that the preceding sentence ended with a question mark.
    static let questionMark = "<?>"
    /// Marks a pause inside a sentence (comma, colon, dash, bracket): negation does not reach across it.
    static let pause = "<,>"

    /// Characters that stand for letters inside a word that also has letters (two, or one in a word of at most four).
    private static let leet: [Character: Character] = [
        "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
    ]

    /// Splits `text` into normalised tokens with sentence markers.
    static func tokens(_ text: String) -> [String] {
        var sentences: [[String]] = []      // each: word tokens, then "<?>" if it was a question
        var current: [String] = []
        var word = ""

        func flushWord() {
            if let token = finish(word) { current.append(token) }
            word = ""
        }
        func flushSentence(question: Bool) {
            flushWord()
            if question, !current.isEmpty { current.append(questionMark) }
            if !current.isEmpty { sentences.append(current) }
            current = []
        }

        // ASCII is handled directly; anything else is decomposed one scalar at a time (compatibility mapping,
        // so "ﬁ" → "fi", full-width → ASCII) and its combining marks dropped.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                scalars.append(scalar)
            } else {
                scalars.append(contentsOf: String(scalar).decomposedStringWithCompatibilityMapping.unicodeScalars)
            }
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar.isASCII {
                let v = scalar.value
                if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) {
                    word.unicodeScalars.append(scalar)
                    continue
                }
                if v >= 0x41 && v <= 0x5A {
                    word.unicodeScalars.append(Unicode.Scalar(v + 0x20)!)
                    continue
                }
            } else {
                let category = scalar.properties.generalCategory
                if category == .nonspacingMark || category == .enclosingMark { continue }
            }
            switch scalar {
            case "'", "\u{2019}", "\u{2018}", "\u{02BC}", "`", "\u{00B4}":
                if !word.isEmpty { word.append("'") }       // kept until `finish`, so "don't" stays one word
                continue
            case "*", "@", "$":
                word.unicodeScalars.append(scalar)
                continue
            case ".", "!", "?", ";", "\n", "\u{2026}", "\u{3002}":
                // A terminator ends the sentence only when followed by a space, another terminator or the end,
                // so "k.i.l.l" and "3.5" stay inside one sentence.
                let next = index < scalars.count ? scalars[index] : " "
                let terminal = next.properties.isWhitespace || ".!?;\n\u{2026}".unicodeScalars.contains(next)
                if scalar == "!" && !terminal && !word.isEmpty && next.properties.isAlphabetic {
                    word.append("i")                        // "k!ll"
                    continue
                }
                if terminal {
                    flushSentence(question: scalar == "?")
                    continue
                }
                flushWord()
                continue
            case ",", ":", "(", ")", "\u{2013}", "\u{2014}":
                flushWord()
                if let last = current.last, last != pause { current.append(pause) }
                continue
            default:
                break
            }
            if scalar.isASCII {
                flushWord()
                continue
            }
            let props = scalar.properties
            if props.isAlphabetic || props.numericType != nil {
                if scalar == "\u{00DF}" {
                    word.append("ss")
                } else {
                    word.append(contentsOf: props.lowercaseMapping)
                }
            } else {
                flushWord()
            }
        }
        flushSentence(question: false)
        return merged(sentences)
    }

    /// Normalises one raw word: leetspeak, apostrophes, repeated letters. Nil for nothing left.
    static func finish(_ raw: String) -> String? {
        var chars = Array(raw)
        while chars.first == "'" { chars.removeFirst() }
        while chars.last == "'" { chars.removeLast() }
        if chars.isEmpty { return nil }
        let letters = chars.reduce(0) { $0 + ($1.isLetter ? 1 : 0) }
        // One letter is enough in a short word ("t0", "d13"): a number with a unit ("10pm") has two.
        if letters >= 2 || (letters == 1 && chars.count <= 4) {
            chars = chars.map { leet[$0] ?? $0 }
        } else if letters == 0 {
            chars.removeAll { $0 == "@" || $0 == "$" }
        }
        let out = collapse(String(chars))
        if out.allSatisfy({ $0 == "*" }) { return nil }
        return out
    }

    /// Runs of one repeated character become one ("dieeee" → "die", "kill" → "kil"); digits are kept as they are
    /// ("22" and "100" are numbers, not elongation: collapsing them made "at 22" read "at 2", then "at to").
    static func collapse(_ word: String) -> String {
        var out = ""
        var previous: Character? = nil
        for c in word where c != previous || ("0"..."9").contains(c) {
            out.append(c)
            previous = c
        }
        return out
    }

    /// Joins sentences with `<s>` markers, merging fragments of fewer than three words into a neighbour.
    private static func merged(_ sentences: [[String]]) -> [String] {
        func wordCount(_ tokens: [String]) -> Int { tokens.filter { $0 != questionMark && $0 != pause }.count }
        var groups: [[String]] = []
        for sentence in sentences {
            let words = wordCount(sentence)
            if let last = groups.last, words < 3 || wordCount(last) < 3 {
                groups[groups.count - 1].append(contentsOf: sentence)
            } else {
                groups.append(sentence)
            }
        }
        var out: [String] = []
        for group in groups {
            out.append(sentenceStart)
            out.append(contentsOf: group)
        }
        return out
    }
}
