/// Holds back generated text that could still turn into a stop string, so a stop string is never partly shown
/// (the same hold-back shape the safety output filter uses).
struct StopStringMatcher {
    let stops: [String]
    private(set) var pending = ""

    init(_ stops: [String]) { self.stops = stops }

    mutating func reset() { pending = "" }

    /// Adds `piece`; returns the text now safe to show and whether a stop string was completed (the text
    /// before it is returned, the rest dropped).
    mutating func push(_ piece: String) -> (text: String, stopped: Bool) {
        if stops.isEmpty { return (piece, false) }
        pending += piece
        var earliest: String.Index?
        for s in stops {
            if let r = pending.range(of: s), earliest.map({ r.lowerBound < $0 }) ?? true { earliest = r.lowerBound }
        }
        if let cut = earliest {
            let out = String(pending[..<cut])
            pending = ""
            return (out, true)
        }
        var hold = 0
        for s in stops {
            var k = min(s.count - 1, pending.count)
            while k > hold {
                if pending.hasSuffix(s.prefix(k)) { hold = k; break }
                k -= 1
            }
        }
        let out = String(pending.dropLast(hold))
        pending = String(pending.suffix(hold))
        return (out, false)
    }

    /// The held-back text once the reply ended without a stop string.
    mutating func finish() -> String {
        defer { pending = "" }
        return pending
    }
}
