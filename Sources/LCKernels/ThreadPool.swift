import Dispatch

/// Splits one job over several threads. `run` returns when every part has finished.
///
/// Contract used by the model: `run { index, count in ... }` calls the body once for each index in
/// `0..<threadCount`, concurrently, with the caller's thread taking part. Bodies must only write
/// disjoint memory.
public final class ThreadPool: @unchecked Sendable {
    /// Number of parts `run` splits a job into (>= 1).
    public let threadCount: Int

    /// Creates a pool of `threads` (clamped to at least 1).
    public init(threads: Int) {
        threadCount = max(1, threads)
    }

    /// Runs `body(i, threadCount)` for every `i` in `0..<threadCount` and waits for all of them.
    public func run(_ body: (_ index: Int, _ count: Int) -> Void) {
        let n = threadCount
        if n == 1 { body(0, 1); return }
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: n) { i in box.value(i, n) }
        }
    }

    /// The part of `0..<total` that worker `index` of `count` handles (contiguous, sizes differ by at most
    /// `granularity`). Ranges start at multiples of `granularity`.
    public static func split(_ total: Int, index: Int, count: Int, granularity: Int = 1) -> Range<Int> {
        let units = (total + granularity - 1) / granularity
        let lo = units * index / count * granularity
        let hi = min(total, units * (index + 1) / count * granularity)
        return min(lo, total)..<hi
    }
}

/// Carries a non-Sendable value into a concurrent closure whose lifetime the caller bounds.
struct UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
