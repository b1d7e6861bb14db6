import CLocalCounselKernels
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits one job over several threads. `run` returns when every part has finished.
///
/// Contract used by the model: `run { index, count in ... }` calls the body exactly once for each index in
/// `0..<threadCount`, concurrently, and returns when all have finished. The caller's thread runs index 0;
/// persistent worker `i` runs index `i`, unless it has not started it by the time the caller has finished its
/// own part — then the caller runs it too. What an index computes must depend only on the index (a
/// deterministic partition, e.g. `split`), never on which thread runs it. Bodies must only write disjoint memory.
///
/// Why this design (shared/MEASURED.md): waking a sleeping thread costs 4–45 µs, a spinning one 0.1 µs; but a
/// pure spin pool collapses when another process wants the core. So workers poll an atomic generation counter
/// for ~50 µs after each job, then block on a condition variable; and a part whose worker is not running (a
/// loaded machine) is taken over by the caller instead of being waited for. `run` takes no lock and allocates
/// nothing unless a worker has gone to sleep.
public final class ThreadPool: @unchecked Sendable {
    /// Number of parts `run` splits a job into (>= 1).
    public let threadCount: Int
    private let state: PoolState
    private var workers: [pthread_t] = []

    /// Creates a pool of `threads` parts (clamped to 1...32): the caller plus `threads - 1` workers.
    /// If the system refuses to start a worker, the pool runs with fewer parts.
    public init(threads: Int) {
        let wanted = min(PoolState.maxParts, max(1, threads))
        state = PoolState()
        for index in 1..<wanted {
            let context = Unmanaged.passRetained(WorkerContext(state: state, index: index))
            var tid = pthread_t()
            let started = pthread_create(&tid, nil, { raw in
                #if canImport(Darwin)
                let ctx = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
                #else
                let ctx = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                #endif
                ctx.state.workerLoop(index: ctx.index)
                return nil
            }, context.toOpaque())
            if started != 0 {
                context.release()
                break
            }
            workers.append(tid)
        }
        threadCount = workers.count + 1
        state.threadCount = threadCount
    }

    deinit {
        state.stop()
        for tid in workers { pthread_join(tid, nil) }
    }

    /// Runs `body(i, threadCount)` for every `i` in `0..<threadCount` and waits for all of them.
    /// Not reentrant: call from one thread at a time, and not from inside a body.
    public func run(_ body: (_ index: Int, _ count: Int) -> Void) {
        let n = threadCount
        if n == 1 { body(0, 1); return }
        withoutActuallyEscaping(body) { escapable in
            let generation = state.dispatch(escapable)
            escapable(0, n)
            // Parts whose worker has not started yet (descheduled, or still waking up): run them here.
            for index in 1..<n where state.claim(index, generation: generation) {
                escapable(index, n)
                state.finished()
            }
            state.waitForWorkers()
            state.job = nil
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

/// What a new worker thread needs; passed through `pthread_create`'s context pointer.
private final class WorkerContext {
    let state: PoolState
    let index: Int
    init(state: PoolState, index: Int) {
        self.state = state
        self.index = index
    }
}

/// The shared state between `run` and the workers. Workers retain this (never the pool), so the pool's deinit
/// can stop and join them.
private final class PoolState: @unchecked Sendable {
    /// Parts are claimed through a 32-bit mask.
    static let maxParts = 32
    /// How long a waiting worker spins before it blocks: covers the gap between a decode step's back-to-back
    /// products (a few µs), not the idle time between tokens or another process wanting the core.
    static let spinNanoseconds: UInt64 = 50_000
    /// Polls between two clock reads while spinning.
    static let pollsPerClockRead = 64
    /// Polls before the dispatching thread starts yielding while workers finish.
    static let waitPolls = 4_000

    var threadCount = 1
    /// The current job; written before `generation` is bumped, read after it is seen (release/acquire).
    var job: ((Int, Int) -> Void)?
    /// Bumped once per job (and once to stop).
    let generation = Atomic<UInt32>(0)
    /// The current job's generation (high 32 bits) and the parts already claimed (low 32 bits): a part runs
    /// once, on whichever thread claims it first, and a late worker can never claim a part of another job.
    let claims = Atomic<UInt64>(0)
    /// Claimed parts (other than the caller's) that have not finished.
    let pending = Atomic<Int>(0)
    /// Workers blocked (or about to block) on `cond`.
    let sleepers = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    let mutex: UnsafeMutablePointer<pthread_mutex_t>
    let cond: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        cond = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        cond.deallocate()
    }

    /// Publishes `body` as the next job and returns its generation.
    func dispatch(_ body: @escaping (Int, Int) -> Void) -> UInt32 {
        job = body
        pending.store(threadCount - 1, ordering: .relaxed)
        let next = generation.load(ordering: .relaxed) &+ 1
        claims.store(UInt64(next) << 32, ordering: .releasing)
        // Sequentially consistent with the sleeper's increment-then-recheck: either it sees the new generation
        // or we see it asleep and wake it (no lost wake-up).
        generation.store(next, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 { wakeAll() }
        return next
    }

    /// Claims part `index` of job `generation`; false when it is taken or the job is another one.
    func claim(_ index: Int, generation: UInt32) -> Bool {
        let bit = UInt64(1) << UInt64(index)
        var current = claims.load(ordering: .acquiring)
        while true {
            guard UInt32(truncatingIfNeeded: current >> 32) == generation, current & bit == 0 else { return false }
            let (exchanged, original) = claims.compareExchange(expected: current, desired: current | bit,
                                                               ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
    }

    /// A claimed part (other than the caller's) has finished.
    func finished() { pending.wrappingSubtract(1, ordering: .releasing) }

    /// Waits until every claimed part has finished (the caller has claimed all the others by now).
    func waitForWorkers() {
        var polls = 0
        while pending.load(ordering: .acquiring) != 0 {
            polls += 1
            if polls < Self.waitPolls { lc_cpu_relax() } else { sched_yield() }
        }
    }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
        wakeAll()
    }

    private func wakeAll() {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(cond)
        pthread_mutex_unlock(mutex)
    }

    func workerLoop(index: Int) {
        // Not a load: a job may already have been posted before this thread first ran.
        var seen: UInt32 = 0
        while true {
            var current = generation.load(ordering: .acquiring)
            if current == seen {
                let deadline = monotonicNanoseconds() &+ Self.spinNanoseconds
                spin: while true {
                    for _ in 0..<Self.pollsPerClockRead {
                        lc_cpu_relax()
                        current = generation.load(ordering: .acquiring)
                        if current != seen { break spin }
                    }
                    if monotonicNanoseconds() >= deadline { break }
                }
            }
            if current == seen {
                pthread_mutex_lock(mutex)
                sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                current = generation.load(ordering: .sequentiallyConsistent)
                while current == seen {
                    pthread_cond_wait(cond, mutex)
                    current = generation.load(ordering: .sequentiallyConsistent)
                }
                sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            seen = current
            if stopping.load(ordering: .acquiring) { return }
            if claim(index, generation: current) {
                job?(index, threadCount)  // never nil here: the caller clears it only after this part finishes
                finished()
            }
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds (a vDSO call, ~20 ns).
@inline(__always)
private func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
