import Foundation

/// Matching one text (a unit of a reply, or the user's message) against gated patterns.
extension OutputRuleSet {
    /// One text being matched, with which gate literals it contains looked up lazily (a literal is searched for
    /// once per text, however many patterns it gates).
    struct Matcher {
        let text: String
        let bytes: [UInt8]
        private let range: NSRange
        /// Per gate literal: 0 = not yet looked up, 1 = absent, 2 = present.
        private var present: [UInt8]

        init(text: String, literalCount: Int) {
            self.text = text
            bytes = Array(text.utf8)
            range = NSRange(location: 0, length: text.utf16.count)
            present = [UInt8](repeating: 0, count: literalCount)
        }

        /// Whether any of `patterns` matches; a pattern whose gate has no literal in the text is skipped unrun.
        mutating func matches(_ patterns: [GatedPattern], _ literals: [[UInt8]]) -> Bool {
            for pattern in patterns {
                if let gate = pattern.gate {
                    var open = true
                    for set in gate where open {
                        open = false
                        for index in set {
                            if present[index] == 0 {
                                present[index] = OutputRuleSet.contains(bytes, literals[index]) ? 2 : 1
                            }
                            if present[index] == 2 { open = true; break }
                        }
                    }
                    if !open { continue }
                }
                if pattern.regex.firstMatch(in: text, options: [], range: range) != nil { return true }
            }
            return false
        }
    }

    /// Whether `needle` occurs in `haystack` (both UTF-8): `memchr` for the first byte, `memcmp` for the rest.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        return haystack.withUnsafeBufferPointer { h -> Bool in
            needle.withUnsafeBufferPointer { n -> Bool in
                guard let hBase = h.baseAddress, let nBase = n.baseAddress else { return false }
                var offset = 0
                let last = h.count - n.count
                while offset <= last {
                    guard let hit = memchr(hBase + offset, Int32(first), last - offset + 1) else { return false }
                    let position = hBase.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hBase + position, nBase, n.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }
}
