import Testing
@testable import LCKernels
import LCTestSupport

@Suite("Quant blocks, quantizers and traits")
struct QuantBlockTests {
    @Test func pinnedSizes() {
        #expect(MemoryLayout<BlockQ4_0>.size == 18 && MemoryLayout<BlockQ4_0>.stride == 18)
        #expect(MemoryLayout<BlockQ4_1>.size == 20 && MemoryLayout<BlockQ4_1>.stride == 20)
        #expect(MemoryLayout<BlockQ8_0>.size == 34 && MemoryLayout<BlockQ8_0>.stride == 34)
        #expect(MemoryLayout<BlockQ8Activation>.size == 40)
        for t in [GGMLType.q4_0, .q4_1, .q8_0] { #expect(t.traits?.typeSize == t.typeSize) }
    }

    @Test func traitsTable() throws {
        let q41 = try #require(GGMLType.q4_1.traits)
        #expect(q41.blockSize == 32 && q41.typeSize == 20 && q41.bitsPerWeight == 5 && q41.vecDotType == .q8Activations)
        #expect(GGMLType.q4_0.traits?.bitsPerWeight == 4.5 && GGMLType.q8_0.traits?.bitsPerWeight == 8.5)
        #expect(GGMLType.f16.traits?.vecDotType == .float)
        #expect(GGMLType.q6_K.traits == nil)
        // The traits' encoder, decoder and row dot agree with each other.
        var rng = SplitMix64(seed: 3)
        let x = randomFloats(64, &rng)
        var bytes = [UInt8](repeating: 0, count: 40), back = [Float](repeating: 0, count: 64)
        x.withUnsafeBufferPointer { q41.fromFloat($0.baseAddress!, &bytes, 64) }
        bytes.withUnsafeBytes { q41.toFloat($0.baseAddress!, &back, 64) }
        let xq = QuantizedActivations(capacity: 64)
        x.withUnsafeBufferPointer { xq.quantize($0.baseAddress!, count: 64) }
        let dot = bytes.withUnsafeBytes { b in x.withUnsafeBufferPointer { q41.vecDot(b.baseAddress!, 64, $0.baseAddress!, xq, .current) } }
        var exact: Float = 0, mag: Float = 0
        for i in 0..<64 { exact += back[i] * x[i]; mag += abs(back[i] * x[i]) }
        #expect(abs(dot - exact) <= 0.02 * mag)
    }

    /// quantize → dequantize error bounds: Q4_0 within |d| (the extreme opposite the scale's sign clips to 7d),
    /// Q4_1 within d/2,
    /// Q8_0 within d/2, per element.
    @Test(arguments: [GGMLType.q4_0, .q4_1, .q8_0, .f16, .bf16, .f32])
    func roundTripError(type: GGMLType) throws {
        var rng = SplitMix64(seed: 11 &+ UInt64(type.rawValue))
        let n = 32 * 41
        let x = randomFloats(n, &rng, scale: 3)
        var bytes = [UInt8](repeating: 0, count: type.byteCount(elements: n)!)
        var back = [Float](repeating: .nan, count: n)
        try x.withUnsafeBufferPointer { try Quantize.row(type, $0.baseAddress!, into: &bytes, count: n) }
        try bytes.withUnsafeBytes { try Dequantize.reference(type, $0.baseAddress!, &back, count: n) }
        for b in 0..<(n / 32) {
            let blk = x[(32 * b)..<(32 * b + 32)]
            let amax = blk.map { abs($0) }.max()!, range = blk.max()! - blk.min()!
            for j in 0..<32 {
                let i = 32 * b + j, err = abs(back[i] - x[i])
                let bound: Float
                switch type {
                case .q4_0: bound = amax / 8 * 1.01 + amax * 0.002  // +max maps to 7d: clipped by a full step
                case .q4_1: bound = range / 15 / 2 * 1.01 + amax * 0.002
                case .q8_0: bound = amax / 127 / 2 * 1.01 + amax * 0.002
                case .f16: bound = abs(x[i]) * 0.0005 + 1e-7
                case .bf16: bound = abs(x[i]) * 0.004
                default: bound = 0
                }
                #expect(err <= bound, "\(type) element \(i): \(x[i]) -> \(back[i])")
            }
        }
    }

    /// The activation quantizer is bit-identical to the reference at every level, including ties and zeros.
    @Test(arguments: KernelLevel.available)
    func activationQuantizerIsExact(level: KernelLevel) {
        var rng = SplitMix64(seed: 99)
        let n = 32 * 50
        var x = randomFloats(n, &rng)
        for j in 0..<32 { x[j] = 0 }                                        // an all-zero block: d = 0
        for j in 32..<64 { x[j] = Float(j - 48) * 0.5 }                     // exact halves: round-away ties
        for j in 64..<96 { x[j] = j % 2 == 0 ? 127 : -63.5 }                 // scale exactly 1
        let xq = QuantizedActivations(capacity: n)
        x.withUnsafeBufferPointer { xq.quantize($0.baseAddress!, count: n, level: level) }
        #expect(xq.count == n)
        var mismatches = 0
        x.withUnsafeBufferPointer { xp in
            for b in 0..<(n / 32) {
                let want = BlockQ8Activation(quantizing: xp.baseAddress! + 32 * b), got = xq.block(b)
                if want.d.bitPattern != got.d.bitPattern || want.s.bitPattern != got.s.bitPattern { mismatches += 1; continue }
                for j in 0..<32 where want.value(j) != got.value(j) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(xq.block(0).d == 0 && xq.block(2).value(1) == -64)
    }

    /// Dequantization kernels decode exactly what the reference decodes (mul then add, no fused rounding).
    @Test(arguments: KernelLevel.available)
    func dequantizeMatchesReference(level: KernelLevel) throws {
        var rng = SplitMix64(seed: 5)
        for type in kernelTypes {
            for n in [32, 96, 160, 576, 1184] {
                let m = try TestMatrix(type: type, rows: 1, cols: n, rng: &rng)
                var got = [Float](repeating: .nan, count: n), want = got
                try Dequantize.row(type, m.bytes, &got, count: n, level: level)
                try Dequantize.reference(type, m.bytes, &want, count: n)
                #expect(zip(got, want).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(type) \(n) at \(level)")
            }
        }
        let tile = try TestMatrix(type: .q4_1, rows: 5, cols: 96, rng: &rng)
        var decoded = [Float](repeating: .nan, count: 3 * 96), one = [Float](repeating: 0, count: 96)
        try Dequantize.rows(tile.matrix, 1..<4, into: &decoded, level: level)
        for r in 1..<4 {
            try Dequantize.reference(.q4_1, tile.matrix.row(r), &one, count: 96)
            #expect(Array(decoded[((r - 1) * 96)..<(r * 96)]) == one)
        }
        #expect(throws: KernelError.unsupportedType(.q6_K)) {
            var out = [Float](repeating: 0, count: 256)
            try [UInt8](repeating: 0, count: 256).withUnsafeBytes { try Dequantize.row(.q6_K, $0.baseAddress!, &out, count: 256) }
        }
    }

    @Test func reportedLevels() {
        #expect(KernelLevel.available.first == .scalar)
        #expect(KernelLevel.available.last == KernelLevel.best)
        #expect(KernelLevel(name: "avx2") == .avx2 && KernelLevel(name: "sse9") == nil)
    }
}
