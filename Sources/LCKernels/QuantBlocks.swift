/// ggml `block_q4_0`: 32 weights as 4-bit values around 8 with one half-precision scale.
/// `x[j] = (lo(qs[j]) - 8) * d`, `x[j + 16] = (hi(qs[j]) - 8) * d`. 18 bytes per 32 weights: 4.5 bits/weight.
public struct BlockQ4_0: Sendable, BitwiseCopyable {
    /// Scale, IEEE half bits.
    public var d: UInt16
    /// 32 nibbles: element j in the low nibble of byte j, element j + 16 in the high nibble.
    public var qs: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    /// Reference quantizer (ggml's `quantize_row_q4_0_ref`): `d = max / -8` where `max` is the element of largest
    /// magnitude, `q = min(15, trunc(x / d + 8.5))`.
    public init(quantizing x: UnsafePointer<Float>) {
        var amax: Float = 0, maxv: Float = 0
        for j in 0..<32 where abs(x[j]) > amax { amax = abs(x[j]); maxv = x[j] }
        let d = maxv / -8
        let id: Float = d != 0 ? 1 / d : 0
        self.d = HalfFloat.fromFloat(d)
        qs = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &qs) { q in
            for j in 0..<16 {
                let lo = min(15, int8Truncating(x[j] * id + 8.5)), hi = min(15, int8Truncating(x[j + 16] * id + 8.5))
                q[j] = UInt8(truncatingIfNeeded: max(0, lo)) | UInt8(truncatingIfNeeded: max(0, hi)) << 4
            }
        }
    }
}

/// ggml `block_q4_1`: 32 weights as 4-bit values with a half-precision scale and minimum.
/// `x[j] = lo(qs[j]) * d + m`, `x[j + 16] = hi(qs[j]) * d + m`. 20 bytes per 32 weights: 5 bits/weight.
public struct BlockQ4_1: Sendable, BitwiseCopyable {
    /// Scale, IEEE half bits.
    public var d: UInt16
    /// Minimum (offset), IEEE half bits.
    public var m: UInt16
    /// 32 nibbles, laid out as in `BlockQ4_0`.
    public var qs: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    /// Reference quantizer (ggml's `quantize_row_q4_1_ref`): `d = (max - min) / 15`, `m = min`,
    /// `q = min(15, trunc((x - min) / d + 0.5))`.
    public init(quantizing x: UnsafePointer<Float>) {
        var lo = Float.greatestFiniteMagnitude, hi = -Float.greatestFiniteMagnitude
        for j in 0..<32 { lo = min(lo, x[j]); hi = max(hi, x[j]) }
        let d = (hi - lo) / 15
        let id: Float = d != 0 ? 1 / d : 0
        self.d = HalfFloat.fromFloat(d)
        m = HalfFloat.fromFloat(lo)
        qs = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &qs) { q in
            for j in 0..<16 {
                let a = min(15, int8Truncating((x[j] - lo) * id + 0.5)), b = min(15, int8Truncating((x[j + 16] - lo) * id + 0.5))
                q[j] = UInt8(truncatingIfNeeded: max(0, a)) | UInt8(truncatingIfNeeded: max(0, b)) << 4
            }
        }
    }
}

/// ggml `block_q8_0`: 32 weights as int8 with one half-precision scale. `x[j] = qs[j] * d`.
/// 34 bytes per 32 weights: 8.5 bits/weight.
public struct BlockQ8_0: Sendable, BitwiseCopyable {
    /// Scale, IEEE half bits.
    public var d: UInt16
    /// 32 signed values.
    public var qs: (Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8,
                    Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8)

    /// Reference quantizer (ggml's `quantize_row_q8_0_ref`): `d = max|x| / 127`, `q = round(x / d)`.
    public init(quantizing x: UnsafePointer<Float>) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[j])) }
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        self.d = HalfFloat.fromFloat(d)
        qs = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &qs) { q in
            for j in 0..<32 { q[j] = UInt8(bitPattern: int8Truncating((x[j] * id).rounded())) }
        }
    }
}

/// One block of activations quantized for integer dot products (ggml's `block_q8_1` idea, with float fields):
/// `x[j] ≈ qs[j] * d`, and `s = d * sum(qs)` so a Q4_1 offset `m` contributes `m * s` and Q4_0's `-8` offset
/// `-8 * d_w * s`. 40 bytes per 32 values: 10 bits/value. `QuantizedActivations` stores these fields as three
/// arrays (scales, sums, values) so the values of consecutive blocks are contiguous for SIMD loads.
public struct BlockQ8Activation: Sendable, BitwiseCopyable {
    /// Scale.
    public var d: Float
    /// `d * sum(qs)`.
    public var s: Float
    /// 32 signed values in [-127, 127].
    public var qs: (Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8,
                    Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8, Int8)

    /// Reference quantizer, the twin of `QuantizedActivations.quantize` at every kernel level (bit-identical):
    /// `d = max|x| / 127`, `q = round-half-away-from-zero(x * (1 / d))`.
    public init(quantizing x: UnsafePointer<Float>) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[j])) }
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        var sum = 0
        qs = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &qs) { q in
            for j in 0..<32 {
                let v = int8Truncating((x[j] * id).rounded())
                q[j] = UInt8(bitPattern: v)
                sum += Int(v)
            }
        }
        self.d = d
        s = d * Float(sum)
    }

    /// A block from its parts; `values` holds 32 entries.
    public init(d: Float, s: Float, values: UnsafePointer<Int8>) {
        self.d = d
        self.s = s
        qs = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &qs) { $0.copyMemory(from: UnsafeRawBufferPointer(start: values, count: 32)) }
    }

    /// Value `j` (0..<32).
    public func value(_ j: Int) -> Int8 { withUnsafeBytes(of: qs) { Int8(bitPattern: $0[j]) } }
}

/// Reference row quantizers: floats to ggml blocks, so tests and tools can build quantized matrices.
public enum Quantize {
    /// Encodes `count` floats (a multiple of `type.blockSize`) from `x` as `type` into `dst`
    /// (`type.byteCount(elements: count)` bytes). F32, F16, BF16, Q4_0, Q4_1 and Q8_0.
    public static func row(_ type: GGMLType, _ x: UnsafePointer<Float>, into dst: UnsafeMutableRawPointer, count: Int) throws {
        switch type {
        case .f32:
            dst.copyMemory(from: x, byteCount: 4 * count)
        case .f16:
            for i in 0..<count { dst.storeBytes(of: HalfFloat.fromFloat(x[i]), toByteOffset: 2 * i, as: UInt16.self) }
        case .bf16:
            for i in 0..<count { dst.storeBytes(of: HalfFloat.floatToBF16(x[i]), toByteOffset: 2 * i, as: UInt16.self) }
        case .q4_0:
            for b in 0..<(count / 32) { dst.storeBytes(of: BlockQ4_0(quantizing: x + 32 * b), toByteOffset: 18 * b, as: BlockQ4_0.self) }
        case .q4_1:
            for b in 0..<(count / 32) { dst.storeBytes(of: BlockQ4_1(quantizing: x + 32 * b), toByteOffset: 20 * b, as: BlockQ4_1.self) }
        case .q8_0:
            for b in 0..<(count / 32) { dst.storeBytes(of: BlockQ8_0(quantizing: x + 32 * b), toByteOffset: 34 * b, as: BlockQ8_0.self) }
        default:
            throw KernelError.unsupportedType(type)
        }
    }
}

/// Float to Int8 truncating toward zero, saturating, NaN to 0: quantizers never trap on odd input.
@inline(__always)
func int8Truncating(_ v: Float) -> Int8 {
    if v.isNaN { return 0 }
    return Int8(max(-128, min(127, v)))
}
