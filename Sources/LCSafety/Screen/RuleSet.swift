/// Rules of one role, indexed by the token ids that can start them so most positions try few or no rules.
struct RuleSet: Sendable {
    /// A match of rule `rule` over tokens `start..<end`.
    struct Match: Sendable {
        let rule: Int
        let start: Int
        let end: Int
    }

    let rules: [ScreenRule]
    private let index: [Int32: [Int]]
    private let unindexed: [Int]

    init(_ rules: [ScreenRule]) {
        self.rules = rules
        var index: [Int32: [Int]] = [:]
        var unindexed: [Int] = []
        for (k, rule) in rules.enumerated() {
            if let ids = rule.program.firstIds {
                for id in ids { index[id, default: []].append(k) }
            } else {
                unindexed.append(k)
            }
        }
        self.index = index
        self.unindexed = unindexed
    }

    var isEmpty: Bool { rules.isEmpty }

    /// Every match at every start position (one per rule and start: the first the program finds).
    func matches(in stream: TokenStream) -> [Match] {
        var found: [Match] = []
        var stack: [(pc: Int, pos: Int)] = []
        stack.reserveCapacity(64)
        for start in 0..<stream.count {
            if let candidates = index[stream.ids[start]] {
                for k in candidates {
                    if let end = rules[k].program.match(stream, at: start, stack: &stack) {
                        found.append(Match(rule: k, start: start, end: end))
                    }
                }
            }
            for k in unindexed {
                if let end = rules[k].program.match(stream, at: start, stack: &stack) {
                    found.append(Match(rule: k, start: start, end: end))
                }
            }
        }
        return found
    }
}
