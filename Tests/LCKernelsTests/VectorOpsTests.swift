import Testing
@testable import LCKernels
import LCTestSupport

@Suite("Vector kernels against the Swift reference")
struct VectorOpsTests {
    static let lengths = [1, 2, 7, 15, 16, 17, 31, 63, 64, 65, 576, 1000, 1536]

    @Test(arguments: KernelLevel.available)
    func dotAxpyRows(level: KernelLevel) {
        var rng = SplitMix64(seed: 31)
        for n in Self.lengths {
            let a = randomFloats(n, &rng), b = randomFloats(n, &rng)
            var mag: Float = 0
            for i in 0..<n { mag += abs(a[i] * b[i]) }
            let got = VectorOps.dot(a, b, count: n, level: level), want = VectorOps.Reference.dot(a, b, count: n)
            #expect(abs(got - want) <= 1e-5 * mag + 1e-7, "dot n=\(n)")

            var y1 = randomFloats(n, &rng), y2 = y1
            VectorOps.axpy(0.75, a, into: &y1, count: n, level: level)
            VectorOps.Reference.axpy(0.75, a, into: &y2, count: n)
            #expect(zip(y1, y2).allSatisfy { abs($0 - $1) <= 1e-6 * (abs($1) + 1) }, "axpy n=\(n)")
        }
        // Rows of a strided matrix (a cache): 9 rows of n with stride n + 13, n on both sides of the 64-wide
        // register path and the 32/64-column chunks.
        for n in [1, 7, 16, 17, 63, 64, 65, 100, 130] {
            let stride = n + 13, rows = 9
            let m = randomFloats(rows * stride, &rng), q = randomFloats(n, &rng), w = randomFloats(rows, &rng)
            var scores = [Float](repeating: 0, count: rows)
            var acc = [Float](repeating: 1, count: n), accRef = acc
            m.withUnsafeBufferPointer { mp in
                VectorOps.dotRows(q, matrix: mp.baseAddress!, rowStride: stride, rowCount: rows, count: n, scale: 0.125,
                                  out: &scores, level: level)
                VectorOps.accumulateRows(weights: w, matrix: mp.baseAddress!, rowStride: stride, rowCount: rows, count: n,
                                         into: &acc, level: level)
                for r in 0..<rows {
                    let want = 0.125 * VectorOps.Reference.dot(q, mp.baseAddress! + stride * r, count: n)
                    #expect(abs(scores[r] - want) <= 1e-5 * Float(n) + 1e-6, "dotRows n=\(n) row \(r)")
                    VectorOps.Reference.axpy(w[r], mp.baseAddress! + stride * r, into: &accRef, count: n)
                }
            }
            #expect(zip(acc, accRef).allSatisfy { abs($0 - $1) <= 1e-5 * (abs($1) + 1) }, "accumulateRows n=\(n)")
        }
    }

    @Test(arguments: KernelLevel.available)
    func rmsNormSoftmaxSwiglu(level: KernelLevel) {
        var rng = SplitMix64(seed: 37)
        for n in Self.lengths {
            let x = randomFloats(n, &rng), w = randomFloats(n, &rng)
            var got = [Float](repeating: 0, count: n), want = got
            VectorOps.rmsNorm(x, weight: w, out: &got, count: n, epsilon: 1e-5, level: level)
            VectorOps.Reference.rmsNorm(x, weight: w, out: &want, count: n, epsilon: 1e-5)
            #expect(zip(got, want).allSatisfy { abs($0 - $1) <= 2e-5 * (abs($1) + 1e-3) }, "rmsNorm n=\(n)")

            // Softmax over scores with a wide range, masked (-inf) entries and a tie for the maximum.
            var s = randomFloats(n, &rng, scale: 30)
            if n > 3 { s[1] = -.infinity; s[2] = s.max()! }
            var sRef = s
            VectorOps.softmax(&s, count: n, level: level)
            VectorOps.Reference.softmax(&sRef, count: n)
            #expect(zip(s, sRef).allSatisfy { abs($0 - $1) <= 2e-6 * max($1, 1e-6) + 1e-9 }, "softmax n=\(n)")
            #expect(abs(s.reduce(0, +) - 1) <= 1e-5)

            var g = randomFloats(n, &rng, scale: 12), gRef = g
            if n > 2 { g[0] = -100; g[1] = 95; gRef[0] = -100; gRef[1] = 95 }
            let up = randomFloats(n, &rng)
            VectorOps.swiglu(gate: &g, up: up, count: n, level: level)
            VectorOps.Reference.swiglu(gate: &gRef, up: up, count: n)
            #expect(zip(g, gRef).allSatisfy { abs($0 - $1) <= 3e-6 * abs($1) + 1e-30 }, "swiglu n=\(n)")
        }
    }

    @Test func addAndScale() {
        var y: [Float] = [1, 2, 3]
        VectorOps.add([1, 1, 1], into: &y, count: 3)
        VectorOps.scale(&y, by: 2, count: 3)
        #expect(y == [4, 6, 8])
    }
}
