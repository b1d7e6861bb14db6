import Testing
@testable import LCKernels
import LCTestSupport

@Suite("MatVec kernels against the Swift reference")
struct MatVecTests {
    /// Every type × every level × awkward shapes: the C kernel must match the scalar Swift twin that uses the
    /// same quantized activations, up to float rounding of the accumulation (bound from the terms' magnitude).
    @Test(arguments: kernelTypes, KernelLevel.available)
    func matchesQuantizedReference(type: GGMLType, level: KernelLevel) throws {
        var rng = SplitMix64(seed: 0xC0FFEE &+ UInt64(type.rawValue))
        for cols in awkwardCols {
            for rows in awkwardRows {
                let m = try TestMatrix(type: type, rows: rows, cols: cols, rng: &rng)
                let x = randomFloats(cols, &rng)
                let xq = QuantizedActivations(capacity: cols)
                x.withUnsafeBufferPointer { xq.quantize($0.baseAddress!, count: cols, level: level) }
                var got = [Float](repeating: .nan, count: rows), want = got
                x.withUnsafeBufferPointer { xp in
                    MatVec.multiply(m.matrix, x: xp.baseAddress!, xq: xq, y: &got, rows: 0..<rows, level: level)
                    MatVec.referenceQuantized(m.matrix, x: xp.baseAddress!, xq: xq, y: &want, rows: 0..<rows)
                }
                let mags = try magnitudes(m.matrix, x)
                for r in 0..<rows {
                    let tol = 2e-5 * mags[r] + 1e-6
                    #expect(abs(got[r] - want[r]) <= tol,
                            "\(type) \(level) \(rows)x\(cols) row \(r): \(got[r]) vs \(want[r]) (tol \(tol))")
                }
            }
        }
    }

    /// Against the float reference (no activation quantization), the error is bounded by the 8-bit
    /// activations' rounding: at most `amax_b / 254` per element of block b, times `|w|`.
    @Test(arguments: kernelTypes)
    func boundedByActivationRounding(type: GGMLType) throws {
        var rng = SplitMix64(seed: 42 &+ UInt64(type.rawValue))
        let rows = 17, cols = 576
        let m = try TestMatrix(type: type, rows: rows, cols: cols, rng: &rng)
        let x = randomFloats(cols, &rng)
        let xq = QuantizedActivations(capacity: cols)
        x.withUnsafeBufferPointer { xq.quantize($0.baseAddress!, count: cols) }
        var got = [Float](repeating: .nan, count: rows), want = got
        var scratch = [Float](repeating: 0, count: cols)
        try x.withUnsafeBufferPointer { xp in
            MatVec.multiply(m.matrix, x: xp.baseAddress!, xq: xq, y: &got, rows: 0..<rows)
            try MatVec.reference(m.matrix, x: xp.baseAddress!, y: &want, rowScratch: &scratch)
        }
        for r in 0..<rows {
            try Dequantize.reference(type, m.matrix.row(r), &scratch, count: cols)
            var bound: Float = 0, mag: Float = 0
            for b in 0..<(cols / 32) {
                var amax: Float = 0, wsum: Float = 0
                for j in 0..<32 {
                    amax = max(amax, abs(x[32 * b + j]))
                    wsum += abs(scratch[32 * b + j])
                    mag += abs(scratch[32 * b + j] * x[32 * b + j])
                }
                bound += MatVec.usesQuantizedActivations(type) ? amax / 254 * wsum : 0
            }
            let tol = bound * 1.001 + 3e-5 * mag + 1e-6
            #expect(abs(got[r] - want[r]) <= tol, "\(type) row \(r): \(got[r]) vs \(want[r]) (tol \(tol))")
        }
    }

    /// Sub-ranges write only their rows (the thread pool relies on it).
    @Test(arguments: KernelLevel.available)
    func writesOnlyRequestedRows(level: KernelLevel) throws {
        var rng = SplitMix64(seed: 7)
        for type in kernelTypes {
            let m = try TestMatrix(type: type, rows: 9, cols: 96, rng: &rng)
            let x = randomFloats(96, &rng)
            let xq = QuantizedActivations(capacity: 96)
            var y = [Float](repeating: -12345, count: 9)
            x.withUnsafeBufferPointer { xp in
                xq.quantize(xp.baseAddress!, count: 96, level: level)
                MatVec.multiply(m.matrix, x: xp.baseAddress!, xq: xq, y: &y, rows: 3..<6, level: level)
            }
            #expect(y[0..<3].allSatisfy { $0 == -12345 } && y[6...].allSatisfy { $0 == -12345 }, "\(type)")
            #expect(y[3..<6].allSatisfy { $0 != -12345 }, "\(type)")
        }
    }

    @Test func supportAndOperands() {
        for t in kernelTypes { #expect(MatVec.supports(t)) }
        #expect(!MatVec.supports(.q4_K))
        #expect(MatVec.usesQuantizedActivations(.q4_1) && !MatVec.usesQuantizedActivations(.f16))
    }

    /// Σ|w_i x_i| per row, from the reference decode: the scale of the rounding error a sum can carry.
    private func magnitudes(_ w: WeightMatrix, _ x: [Float]) throws -> [Float] {
        var scratch = [Float](repeating: 0, count: w.cols)
        return try (0..<w.rows).map { r in
            try Dequantize.reference(w.type, w.row(r), &scratch, count: w.cols)
            var mag: Float = 0
            for i in 0..<w.cols { mag += abs(scratch[i] * x[i]) }
            return mag
        }
    }
}
