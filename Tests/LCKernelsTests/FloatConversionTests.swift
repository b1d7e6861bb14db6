import Testing
@testable import LCKernels
import LCTestSupport

@Suite("Half and bfloat16 conversions")
struct FloatConversionTests {
    /// All 65,536 half bit patterns: the bit-trick decoder equals `Float(Float16)`, and encoding the result
    /// gives the same bits back.
    @Test func f16Exhaustive() {
        var bad = 0
        for bits in 0...UInt16.max {
            let want = Float(Float16(bitPattern: bits)), got = HalfFloat.toFloat(bits)
            if want.isNaN { if !got.isNaN { bad += 1 }; continue }
            if got.bitPattern != want.bitPattern { bad += 1 }
            if HalfFloat.fromFloat(got) != bits { bad += 1 }
        }
        #expect(bad == 0)
    }

    /// The C decoders at every level, over all 65,536 patterns, against the Swift decoder.
    @Test(arguments: KernelLevel.available)
    func f16AndBF16KernelsExhaustive(level: KernelLevel) throws {
        let all = (0...UInt16.max).map { $0 }
        var out = [Float](repeating: 0, count: all.count)
        var bad = 0
        try all.withUnsafeBytes { try Dequantize.row(.f16, $0.baseAddress!, &out, count: all.count, level: level) }
        for (i, bits) in all.enumerated() {
            let want = HalfFloat.toFloat(bits)
            if want.isNaN ? !out[i].isNaN : out[i].bitPattern != want.bitPattern { bad += 1 }
        }
        try all.withUnsafeBytes { try Dequantize.row(.bf16, $0.baseAddress!, &out, count: all.count, level: level) }
        for (i, bits) in all.enumerated() where out[i].bitPattern != UInt32(bits) << 16 { bad += 1 }
        #expect(bad == 0)
    }

    /// Float → half rounds to nearest even like `Float16(Float)`, on random and boundary values.
    @Test func f16Encoding() {
        var rng = SplitMix64(seed: 17)
        var values: [Float] = [0, -0, 65504, 65519.99, 65520, 1e-8, 5.96e-8, 2.98e-8, 2.99e-8, .infinity, -.infinity]
        for _ in 0..<20000 { values.append(Float(bitPattern: UInt32.random(in: 0x3000_0000...0x4800_0000, using: &rng)) * (Bool.random(using: &rng) ? 1 : -1)) }
        var bad = 0
        for v in values where HalfFloat.fromFloat(v) != Float16(v).bitPattern { bad += 1 }
        #expect(bad == 0)
        #expect(Float16(bitPattern: HalfFloat.fromFloat(.nan)).isNaN)
    }

    /// bfloat16: every non-NaN pattern round-trips, and encoding picks the nearer neighbour (ties to even).
    @Test func bf16() {
        var bad = 0
        for bits in 0...UInt16.max {
            let f = HalfFloat.bf16ToFloat(bits)
            if !f.isNaN && HalfFloat.floatToBF16(f) != bits { bad += 1 }
        }
        var rng = SplitMix64(seed: 23)
        for _ in 0..<20000 {
            let f = Float(bitPattern: UInt32.random(in: 0..<0x7F00_0000, using: &rng))
            let lower = f.bitPattern & 0xFFFF_0000, rem = f.bitPattern & 0xFFFF
            let up = rem > 0x8000 || (rem == 0x8000 && (lower >> 16) & 1 == 1)
            if HalfFloat.floatToBF16(f) != UInt16((up ? lower + 0x10000 : lower) >> 16) { bad += 1 }
        }
        #expect(bad == 0)
        #expect(HalfFloat.bf16ToFloat(HalfFloat.floatToBF16(.nan)).isNaN)
    }
}
