import CLocalCounselKernels

/// An activation vector quantized to 8 bits in blocks of 32 (`BlockQ8Activation`, stored as three arrays), so
/// products with 4- and 8-bit weights are integer dot products. Storage is allocated once and reused for every
/// token; `quantize` runs the C kernel of the current level and is bit-identical to `BlockQ8Activation`.
public final class QuantizedActivations: @unchecked Sendable {
    /// Maximum number of elements (a multiple of 32).
    public let capacity: Int
    /// Number of valid elements from the last `quantize`.
    public private(set) var count: Int = 0
    /// Per-block scales `d`, `capacity / 32` entries.
    public let scales: UnsafeMutablePointer<Float>
    /// Per-block `d * sum(q)`, `capacity / 32` entries (Q4_1's offset term, Q4_0's `-8` term).
    public let sums: UnsafeMutablePointer<Float>
    /// Quantized values, `capacity` entries, 64-byte aligned.
    public let values: UnsafeMutablePointer<Int8>

    /// Allocates room for `capacity` elements (rounded up to a multiple of 32).
    public init(capacity: Int) {
        let cap = max(32, (capacity + 31) / 32 * 32)
        self.capacity = cap
        scales = .allocate(capacity: cap / 32)
        sums = .allocate(capacity: cap / 32)
        values = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 64).bindMemory(to: Int8.self, capacity: cap)
        scales.initialize(repeating: 0, count: cap / 32)
        sums.initialize(repeating: 0, count: cap / 32)
        values.initialize(repeating: 0, count: cap)
    }

    deinit {
        scales.deallocate()
        sums.deallocate()
        UnsafeMutableRawPointer(values).deallocate()
    }

    /// Quantizes `x[0..<count]` (`count` a multiple of 32, at most `capacity`; otherwise clamped down to that):
    /// `d = max|x| / 127`, `q = round-half-away-from-zero(x / d)`.
    public func quantize(_ x: UnsafePointer<Float>, count: Int, level: KernelLevel = .current) {
        let n = min(capacity, max(0, count)) / 32 * 32
        self.count = n
        lc_quantize_q8(level.c, x, Int32(n), values, scales, sums)
    }

    /// `rmsNorm(x) * weight` written to `normalized`, then quantized: the layer-input step of a decoder in one call.
    public func quantizeNormalized(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                   normalized: UnsafeMutablePointer<Float>, count: Int, epsilon: Float,
                                   level: KernelLevel = .current) {
        lc_rmsnorm_f32(level.c, x, weight, normalized, Int32(count), epsilon)
        quantize(normalized, count: count, level: level)
    }

    /// Block `b` as a value (for tests and debugging).
    public func block(_ b: Int) -> BlockQ8Activation {
        BlockQ8Activation(d: scales[b], s: sums[b], values: values + 32 * b)
    }
}
