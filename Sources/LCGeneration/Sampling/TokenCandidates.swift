import Foundation

/// The candidate tokens of one sampling step, in preallocated buffers that samplers filter in place (the
/// equivalent of llama.cpp's `llama_token_data_array`). Nothing here allocates after `init`.
///
/// Invariants: entries `0..<count` are live; when `isSortedDescending`, logits are non-increasing (ties broken
/// by the smaller id first); when `isIdentityOrder`, `ids[i] == i` so a token's logit is at its own index.
public final class TokenCandidates {
    /// Most entries the buffers can hold (the vocabulary size).
    public let capacity: Int
    /// Token ids, (capacity).
    public let ids: UnsafeMutablePointer<Int32>
    /// Logits, possibly modified by samplers, (capacity).
    public let logits: UnsafeMutablePointer<Float>
    /// Probabilities written by `computeProbabilities()`, (capacity).
    public let probabilities: UnsafeMutablePointer<Float>
    // Heap-extraction output, (capacity) each: sorting writes here, then copies the kept prefix back.
    private let scratchIds: UnsafeMutablePointer<Int32>
    private let scratchLogits: UnsafeMutablePointer<Float>

    /// Number of live candidates.
    public internal(set) var count = 0
    /// Live entries are ordered by decreasing logit.
    public internal(set) var isSortedDescending = false
    /// Live entries are all tokens in id order (`ids[i] == i`).
    public internal(set) var isIdentityOrder = false
    /// The token chosen by a selecting sampler (greedy or a random draw), or nil while still filtering.
    public var selected: Int32?

    /// Allocates buffers for a vocabulary of `capacity` tokens.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        ids = .allocate(capacity: self.capacity)
        logits = .allocate(capacity: self.capacity)
        probabilities = .allocate(capacity: self.capacity)
        scratchIds = .allocate(capacity: self.capacity)
        scratchLogits = .allocate(capacity: self.capacity)
    }

    deinit {
        ids.deallocate(); logits.deallocate(); probabilities.deallocate()
        scratchIds.deallocate(); scratchLogits.deallocate()
    }

    /// Loads the model's logits (at most `capacity` of them) as the full candidate set in id order.
    public func load(_ source: UnsafeBufferPointer<Float>) {
        let n = min(source.count, capacity)
        if let base = source.baseAddress { logits.update(from: base, count: n) }
        for i in 0..<n { ids[i] = Int32(i) }
        count = n
        isSortedDescending = false
        isIdentityOrder = true
        selected = nil
    }

    /// Loads `values` (test and tool convenience; allocates nothing beyond the call's own array).
    public func load(_ values: [Float]) {
        values.withUnsafeBufferPointer { load($0) }
    }

    /// Index of the largest logit (smallest id on ties), or nil when empty.
    public func argmax() -> Int? {
        guard count > 0 else { return nil }
        if isSortedDescending { return 0 }
        var best = 0
        for i in 1..<count where better(i, than: best) { best = i }
        return best
    }

    /// Writes softmax probabilities of the live logits into `probabilities`; returns nothing if empty.
    public func computeProbabilities() {
        guard count > 0, let top = argmax() else { return }
        let maxLogit = logits[top]
        var sum: Float = 0
        for i in 0..<count {
            let e = expf(logits[i] - maxLogit)
            probabilities[i] = e
            sum += e
        }
        let inv = 1 / sum
        for i in 0..<count { probabilities[i] *= inv }
    }

    /// Keeps the `k` largest logits, sorted descending (O(n log k) selection, then a sort of the k).
    public func keepTop(_ k: Int) {
        guard k > 0 else { return }
        if isSortedDescending { count = min(count, k); return }
        if k >= count { sortDescending(untilMass: nil); return }
        // Min-heap of the best k seen so far in entries 0..<k: the root is the weakest kept candidate.
        for i in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(i, k, worstOnTop: true) }
        for i in k..<count where better(i, than: 0) {
            swapEntries(i, 0)
            siftDown(0, k, worstOnTop: true)
        }
        count = k
        sortDescending(untilMass: nil)
    }

    /// Sorts live entries by decreasing logit. With `mass` in (0, 1), stops (and truncates) as soon as the kept
    /// prefix holds that share of the probability mass: top-p then costs O(n + m log n) for m kept tokens.
    public func sortDescending(untilMass mass: Float?) {
        guard count > 1 else { isSortedDescending = true; isIdentityOrder = isIdentityOrder && count <= 1; return }
        if isSortedDescending {
            if let mass { count = prefixReaching(mass) }
            return
        }
        let n = count
        for i in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(i, n, worstOnTop: false) }
        var total: Float = 0
        let maxLogit = logits[0]
        if mass != nil { for i in 0..<n { total += expf(logits[i] - maxLogit) } }
        let target = (mass ?? 2) * total
        var heapSize = n
        var kept = 0
        var cumulative: Float = 0
        while heapSize > 0 {
            scratchIds[kept] = ids[0]
            scratchLogits[kept] = logits[0]
            kept += 1
            heapSize -= 1
            if heapSize > 0 {
                ids[0] = ids[heapSize]; logits[0] = logits[heapSize]
                siftDown(0, heapSize, worstOnTop: false)
            }
            if mass != nil {
                cumulative += expf(scratchLogits[kept - 1] - maxLogit)
                if cumulative >= target { break }
            }
        }
        ids.update(from: scratchIds, count: kept)
        logits.update(from: scratchLogits, count: kept)
        count = kept
        isSortedDescending = true
        isIdentityOrder = false
    }

    /// Keeps only entries whose logit is at least `threshold`, preserving order.
    public func keepLogits(atLeast threshold: Float) {
        var w = 0
        for r in 0..<count where logits[r] >= threshold {
            ids[w] = ids[r]; logits[w] = logits[r]; w += 1
        }
        if w != count { isIdentityOrder = false }
        count = max(w, 1)  // the top token always survives: its logit is the maximum
    }

    // Number of sorted entries whose probability mass first reaches `mass` (at least 1).
    private func prefixReaching(_ mass: Float) -> Int {
        computeProbabilities()
        var cumulative: Float = 0
        for i in 0..<count {
            cumulative += probabilities[i]
            if cumulative >= mass { return i + 1 }
        }
        return count
    }

    // Order used everywhere: higher logit first, then smaller id, so results never depend on buffer layout.
    @inline(__always) private func better(_ a: Int, than b: Int) -> Bool {
        logits[a] > logits[b] || (logits[a] == logits[b] && ids[a] < ids[b])
    }

    @inline(__always) private func swapEntries(_ a: Int, _ b: Int) {
        let ti = ids[a]; ids[a] = ids[b]; ids[b] = ti
        let tl = logits[a]; logits[a] = logits[b]; logits[b] = tl
    }

    /// Restores the heap property below `start` in entries `0..<n`. `worstOnTop`: a min-heap by `better` (the root
    /// is the weakest entry, for keeping the top k); otherwise a max-heap (the root is the best, for sorting).
    /// Always inlined, so each call site's constant `worstOnTop` leaves a single comparison in the loop.
    @inline(__always) private func siftDown(_ start: Int, _ n: Int, worstOnTop: Bool) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var top = i
            if l < n && (worstOnTop ? better(top, than: l) : better(l, than: top)) { top = l }
            if r < n && (worstOnTop ? better(top, than: r) : better(r, than: top)) { top = r }
            if top == i { return }
            swapEntries(i, top)
            i = top
        }
    }
}
