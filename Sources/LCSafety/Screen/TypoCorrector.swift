/// Repairs a misspelt word to a word the crisis rules use ("myslef" → "myself", "suicde" → "suicide",
/// "wnat" → "want", "sui*ide" → "suicide").
///
/// Only one dropped letter, one extra letter or two swapped neighbours, never a substituted letter, and never the
/// first letter: substitutions turn real words into crisis words ("putting" → "cutting"). Words the policy knows
/// are never changed. Lookups use precomputed single-deletion variants, so a word costs a handful of hash probes.
struct TypoCorrector: Sendable {
    /// Rule words long enough to correct towards (≥ 4 letters; 4-letter words only by a swap).
    private let targets: Set<String>
    /// Single-deletion variant (first letter kept) → target words of length ≥ 5.
    private let deletions: [String: [String]]

    init(targets words: Set<String>) {
        let eligible = words.filter { $0.count >= 4 && $0.allSatisfy(\.isLetter) }
        targets = eligible
        var map: [String: [String]] = [:]
        for word in eligible where word.count >= 5 {
            let chars = Array(word)
            for i in 1..<chars.count {
                var variant = chars
                variant.remove(at: i)
                map[String(variant), default: []].append(word)
            }
        }
        deletions = map
    }

    /// The corrected word, or nil to keep `token` as it is. `known` holds every word the policy mentions.
    func correct(_ token: String, known: Set<String>) -> String? {
        if token.contains("*") { return unmask(token) }
        guard token.count >= 4, !known.contains(token), token.allSatisfy(\.isLetter) else { return nil }
        let chars = Array(token)
        // The writer dropped a letter.
        if let words = deletions[token], let word = words.first { return word }
        // The writer added a letter.
        if chars.count >= 6 {
            for i in 1..<chars.count {
                var variant = chars
                variant.remove(at: i)
                let candidate = String(variant)
                if candidate.count >= 5, targets.contains(candidate) { return candidate }
            }
        }
        // The writer swapped two neighbours.
        for i in 1..<(chars.count - 1) where chars[i] != chars[i + 1] {
            var variant = chars
            variant.swapAt(i, i + 1)
            let candidate = String(variant)
            if targets.contains(candidate) { return candidate }
        }
        return nil
    }

    /// A word with `*` standing for letters ("sui*ide", "k*ll"): the target with the same length and letters.
    private func unmask(_ token: String) -> String? {
        let chars = Array(token)
        guard chars.count >= 4, chars.first != "*" else { return nil }
        for word in targets where word.count == chars.count {
            if zip(word, chars).allSatisfy({ $1 == "*" || $0 == $1 }) { return word }
        }
        return nil
    }
}
