/// Repairs a misspelt word to a word the crisis rules use ("myslef" → "myself", "suicde" → "suicide",
/// "wnat" → "want", "sui*ide" → "suicide").
///
/// Only one dropped letter, one extra letter or two swapped neighbours, never a substituted letter, and never the
/// first letter: substitutions turn real words into crisis words ("putting" → "cutting"). Words the policy knows
/// are never changed. Works on ASCII bytes (text is already folded) with targets bucketed by first letter and
/// length, so an ordinary word that no rule word resembles costs one dictionary probe.
struct TypoCorrector: Sendable {
    private struct Bucket: Hashable { let first: UInt8; let length: Int }

    /// Rule words long enough to correct towards (≥ 4 letters; 4-letter words only by a swap), as bytes.
    private let targets: Set<[UInt8]>
    /// (first letter, length) buckets that hold at least one target.
    private let buckets: Set<Bucket>
    /// Single-deletion variant (first letter kept) of a target of length ≥ 5 → that target.
    private let deletions: [[UInt8]: String]

    init(targets words: Set<String>) {
        var targets: Set<[UInt8]> = []
        var buckets: Set<Bucket> = []
        var deletions: [[UInt8]: String] = [:]
        for word in words where word.count >= 4 {
            let bytes = Array(word.utf8)
            guard bytes.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { continue }
            targets.insert(bytes)
            buckets.insert(Bucket(first: bytes[0], length: bytes.count))
            if bytes.count >= 5 {
                for i in 1..<bytes.count {
                    var variant = bytes
                    variant.remove(at: i)
                    if deletions[variant] == nil { deletions[variant] = word }
                }
            }
        }
        self.targets = targets
        self.buckets = buckets
        self.deletions = deletions
    }

    /// The corrected word, or nil to keep `token` as it is. `known` holds every word the policy mentions.
    func correct(_ token: String, known: Set<String>) -> String? {
        let n = token.utf8.count
        guard n >= 4, let first = token.utf8.first, first >= 0x61 && first <= 0x7A else { return nil }
        let near = buckets.contains(Bucket(first: first, length: n))
            || buckets.contains(Bucket(first: first, length: n + 1))
            || buckets.contains(Bucket(first: first, length: n - 1))
        guard near else { return nil }
        let bytes = Array(token.utf8)
        let masked = bytes.contains(0x2A)               // "*"
        if masked { return unmask(bytes) }
        guard bytes.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }), !known.contains(token) else { return nil }
        // The writer dropped a letter.
        if let word = deletions[bytes] { return word }
        // The writer added a letter.
        if n >= 6 {
            for i in 1..<n {
                var variant = bytes
                variant.remove(at: i)
                if targets.contains(variant) { return String(decoding: variant, as: UTF8.self) }
            }
        }
        // The writer swapped two neighbours.
        for i in 1..<(n - 1) where bytes[i] != bytes[i + 1] {
            var variant = bytes
            variant.swapAt(i, i + 1)
            if targets.contains(variant) { return String(decoding: variant, as: UTF8.self) }
        }
        return nil
    }

    /// A word with `*` standing for letters ("sui*ide", "k*ll"): the target with the same length and letters.
    private func unmask(_ bytes: [UInt8]) -> String? {
        for word in targets where word.count == bytes.count {
            if zip(word, bytes).allSatisfy({ $1 == 0x2A || $0 == $1 }) { return String(decoding: word, as: UTF8.self) }
        }
        return nil
    }
}
