import CLocalCounselKernels

/// Errors from kernels asked to work on a type they do not implement.
public enum KernelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No kernel for this element type.
    case unsupportedType(GGMLType)
    public var description: String {
        switch self {
        case let .unsupportedType(t): return "tensor type \(t) is not supported by the kernels"
        }
    }
}

/// Dequantization: `row` runs the C kernel of the current level (for the sgemm path, which decodes weight rows
/// once per batch); `reference` is the scalar Swift ground truth every optimised kernel is compared with.
public enum Dequantize {
    /// Types that have a dequantizer (and so a matrix-vector product).
    public static let supportedTypes: Set<GGMLType> = [.f32, .f16, .bf16, .q4_0, .q4_1, .q8_0]

    /// Writes `count` floats decoded from `src` (a whole number of blocks of `type`) into `dst`.
    public static func row(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int,
                           level: KernelLevel = .current) throws {
        guard supportedTypes.contains(type),
              lc_dequantize_row(level.c, Int32(type.rawValue), src, dst, Int32(count)) == 0
        else { throw KernelError.unsupportedType(type) }
    }

    /// Decodes rows `rows` of `w` into `dst` (row-major, `w.cols` floats per row, the first decoded row at
    /// `dst`): a weight tile for the batched (sgemm) path, decoded once per batch.
    public static func rows(_ w: WeightMatrix, _ rows: Range<Int>, into dst: UnsafeMutablePointer<Float>,
                            level: KernelLevel = .current) throws {
        for (i, r) in rows.enumerated() { try row(w.type, w.row(r), dst + i * w.cols, count: w.cols, level: level) }
    }

    /// Scalar Swift twin of `row`: the ground truth.
    public static func reference(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) throws {
        switch type {
        case .f32:
            dst.update(from: src.assumingMemoryBound(to: Float.self), count: count)
        case .f16:
            for i in 0..<count { dst[i] = HalfFloat.toFloat(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .bf16:
            for i in 0..<count { dst[i] = HalfFloat.bf16ToFloat(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .q4_0:
            // block_q4_0 { f16 d; u8 qs[16] }: x[j] = (lo(qs[j]) - 8) * d, x[j+16] = (hi(qs[j]) - 8) * d
            for b in 0..<(count / 32) {
                let blk = src + b * 18
                let d = HalfFloat.toFloat(blk.loadUnaligned(as: UInt16.self))
                let out = dst + b * 32
                for j in 0..<16 {
                    let q = blk.load(fromByteOffset: 2 + j, as: UInt8.self)
                    out[j] = Float(Int(q & 0x0F) - 8) * d
                    out[j + 16] = Float(Int(q >> 4) - 8) * d
                }
            }
        case .q4_1:
            // block_q4_1 { f16 d; f16 m; u8 qs[16] }: x[j] = lo(qs[j]) * d + m, x[j+16] = hi(qs[j]) * d + m
            for b in 0..<(count / 32) {
                let blk = src + b * 20
                let d = HalfFloat.toFloat(blk.loadUnaligned(as: UInt16.self))
                let m = HalfFloat.toFloat(blk.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
                let out = dst + b * 32
                for j in 0..<16 {
                    let q = blk.load(fromByteOffset: 4 + j, as: UInt8.self)
                    out[j] = Float(q & 0x0F) * d + m
                    out[j + 16] = Float(q >> 4) * d + m
                }
            }
        case .q8_0:
            // block_q8_0 { f16 d; i8 qs[32] }: x[j] = qs[j] * d
            for b in 0..<(count / 32) {
                let blk = src + b * 34
                let d = HalfFloat.toFloat(blk.loadUnaligned(as: UInt16.self))
                let out = dst + b * 32
                for j in 0..<32 { out[j] = Float(blk.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
            }
        default:
            throw KernelError.unsupportedType(type)
        }
    }
}
