/// An activation vector quantized to 8 bits in blocks of 32 (ggml's Q8_1 layout idea: per block a float scale
/// `d`, the float `s = d * sum(q)`, and 32 int8 values), so products with 4- and 8-bit weights are integer
/// dot products. Storage is allocated once and reused for every token.
public final class QuantizedActivations: @unchecked Sendable {
    /// Maximum number of elements (a multiple of 32).
    public let capacity: Int
    /// Number of valid elements from the last `quantize`.
    public private(set) var count: Int = 0
    /// Per-block scales, `capacity / 32` entries.
    public let scales: UnsafeMutablePointer<Float>
    /// Per-block `d * sum(q)`, `capacity / 32` entries (used by Q4_1's offset term).
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

    /// Quantizes `x[0..<count]` (`count` a multiple of 32, at most `capacity`): round-to-nearest with
    /// `d = max|x| / 127`.
    public func quantize(_ x: UnsafePointer<Float>, count: Int) {
        self.count = count
        for b in 0..<(count / 32) {
            let xb = x + b * 32
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(xb[j])) }
            let d = amax / 127
            let id: Float = d != 0 ? 1 / d : 0
            var sum = 0
            for j in 0..<32 {
                let q = Int8((xb[j] * id).rounded())
                values[b * 32 + j] = q
                sum += Int(q)
            }
            scales[b] = d
            sums[b] = d * Float(sum)
        }
    }
}
