import Synchronization
import Testing
@testable import LCKernels
#if canImport(Glibc)
import Glibc
import LCTestSupport
#endif

@Suite("Thread pool")
struct ThreadPoolTests {
    /// Every index runs exactly once per `run`, with the right count, over many back-to-back runs.
    @Test(arguments: [1, 2, 3, 4])
    func everyIndexOnce(threads: Int) {
        let pool = ThreadPool(threads: threads)
        #expect(pool.threadCount == threads)
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: threads)
        hits.initialize(repeating: 0, count: threads)
        defer { hits.deallocate() }
        var badCount = 0
        let runs = 3_000
        for _ in 0..<runs {
            pool.run { i, n in
                hits[i] += 1  // each index is written by one thread only
                if n != threads { badCount += 1 }
            }
        }
        #expect(badCount == 0)
        #expect((0..<threads).allSatisfy { hits[$0] == runs })
    }

    /// Results of a split product are identical (bit for bit) for 1...4 threads, including after the workers
    /// have gone to sleep between runs.
    @Test func identicalAcrossThreadCounts() throws {
        var rng = SplitMix64(seed: 77)
        let m = try TestMatrix(type: .q4_1, rows: 203, cols: 576, rng: &rng)
        let x = randomFloats(576, &rng)
        let xq = QuantizedActivations(capacity: 576)
        x.withUnsafeBufferPointer { xq.quantize($0.baseAddress!, count: 576) }
        var results: [[Float]] = []
        for threads in 1...4 {
            let pool = ThreadPool(threads: threads)
            for pass in 0..<3 {
                var y = [Float](repeating: .nan, count: 203)
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in
                        MatVec.multiply(m.matrix, x: xp.baseAddress!, xq: xq, y: yp.baseAddress!, pool: pool)
                    }
                }
                results.append(y)
                if pass == 1 { usleep(30_000) }  // long enough for the workers to stop spinning and block
            }
        }
        #expect(results.allSatisfy { $0.map(\.bitPattern) == results[0].map(\.bitPattern) })
    }

    /// The fused two/three-matrix dispatch gives the same rows as separate products.
    @Test func fusedProductsMatchSeparate() throws {
        var rng = SplitMix64(seed: 78)
        let a = try TestMatrix(type: .q4_1, rows: 61, cols: 96, rng: &rng)
        let b = try TestMatrix(type: .q4_0, rows: 13, cols: 96, rng: &rng)
        let c = try TestMatrix(type: .q8_0, rows: 7, cols: 96, rng: &rng)
        let x = randomFloats(96, &rng)
        let xq = QuantizedActivations(capacity: 96)
        let pool = ThreadPool(threads: 3)
        var ya = [Float](repeating: 0, count: 61), yb = [Float](repeating: 0, count: 13), yc = [Float](repeating: 0, count: 7)
        var wa = ya, wb = yb, wc = yc
        x.withUnsafeBufferPointer { xp in
            let x = xp.baseAddress!
            xq.quantize(x, count: 96)
            ya.withUnsafeMutableBufferPointer { ya in yb.withUnsafeMutableBufferPointer { yb in yc.withUnsafeMutableBufferPointer { yc in
                MatVec.multiply(a.matrix, b.matrix, c.matrix, x: x, xq: xq, ya: ya.baseAddress!, yb: yb.baseAddress!,
                                yc: yc.baseAddress!, pool: pool)
            } } }
            MatVec.multiply(a.matrix, x: x, xq: xq, y: &wa, rows: 0..<61)
            MatVec.multiply(b.matrix, x: x, xq: xq, y: &wb, rows: 0..<13)
            MatVec.multiply(c.matrix, x: x, xq: xq, y: &wc, rows: 0..<7)
        }
        #expect(ya == wa && yb == wb && yc == wc)
    }

    /// Chunked runs cover every element exactly once, in ranges aligned to the granularity, with part indices
    /// in range, over many back-to-back jobs.
    @Test(arguments: [1, 2, 3])
    func splittingCoversEverythingOnce(threads: Int) {
        let pool = ThreadPool(threads: threads)
        let capacity = 2000
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        defer { hits.deallocate() }
        let badPart = Atomic<Int>(0), misaligned = Atomic<Int>(0)
        for (job, total) in [0, 1, 5, 63, 64, 577, 1999].enumerated() {
            for g in [1, 4, 16] {
                hits.initialize(repeating: 0, count: capacity)
                for _ in 0..<200 {
                    pool.run(splitting: total, granularity: g) { range, part in
                        if part < 0 || part >= threads { badPart.wrappingAdd(1, ordering: .relaxed) }
                        if range.lowerBound % g != 0 { misaligned.wrappingAdd(1, ordering: .relaxed) }
                        for i in range { hits[i] += 1 }  // disjoint ranges: no two bodies touch one element
                    }
                }
                #expect((0..<total).allSatisfy { hits[$0] == 200 }, "job \(job) total \(total) granularity \(g)")
                #expect(hits[total] == 0 || total == capacity)
            }
        }
        #expect(badPart.load(ordering: .relaxed) == 0 && misaligned.load(ordering: .relaxed) == 0)
    }

    @Test func splitCoversEverythingOnce() {
        for total in [0, 1, 5, 63, 576, 1537] {
            for count in 1...5 {
                for g in [1, 4, 16] {
                    var covered = [Int](repeating: 0, count: total)
                    var previousEnd = 0
                    for i in 0..<count {
                        let r = ThreadPool.split(total, index: i, count: count, granularity: g)
                        #expect(r.lowerBound == previousEnd)
                        #expect(r.lowerBound % g == 0 || r.isEmpty)
                        previousEnd = r.upperBound
                        for j in r { covered[j] += 1 }
                    }
                    #expect(previousEnd == total && covered.allSatisfy { $0 == 1 })
                }
            }
        }
    }

    /// Pools can be created and dropped repeatedly (workers are joined in deinit).
    @Test func createAndDestroy() {
        let total = Atomic<Int>(0)
        for _ in 0..<50 {
            let pool = ThreadPool(threads: 3)
            pool.run { _, _ in total.wrappingAdd(1, ordering: .relaxed) }
        }
        #expect(total.load(ordering: .relaxed) == 150)
        #expect(ThreadPool(threads: 0).threadCount == 1)
    }

    @Test func physicalCores() {
        #expect(CPUInfo.physicalCores >= 1 && CPUInfo.physicalCores <= CPUInfo.logicalCores)
    }
}
