/// What the products need to know about one element type, in the spirit of ggml's `type_traits` and candle's
/// `GgmlType`: block geometry, the reference decoder and encoder, the row dot product and the type of the
/// vector it expects (`vecDotType`).
public struct GGMLTypeTraits: Sendable {
    /// The operand a row dot product of this type multiplies with.
    public enum DotOperand: Sendable, Equatable {
        /// Float activations (`x`).
        case float
        /// 8-bit quantized activations (`QuantizedActivations`, blocks of `BlockQ8Activation`).
        case q8Activations
    }

    /// The element type.
    public let type: GGMLType
    /// Elements per block.
    public let blockSize: Int
    /// Bytes per block.
    public let typeSize: Int
    /// The operand `vecDot` multiplies with.
    public let vecDotType: DotOperand
    /// Reference decoder: `count` elements at `src` to floats.
    public let toFloat: @Sendable (_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ count: Int) -> Void
    /// Reference encoder: `count` floats to blocks at `dst`.
    public let fromFloat: @Sendable (_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, _ count: Int) -> Void
    /// Dot product of one stored row of `count` elements with `x` (float) or `xq` (quantized), at `level`.
    public let vecDot: @Sendable (_ row: UnsafeRawPointer, _ count: Int, _ x: UnsafePointer<Float>,
                                  _ xq: QuantizedActivations, _ level: KernelLevel) -> Float

    /// Storage cost.
    public var bitsPerWeight: Double { Double(typeSize * 8) / Double(blockSize) }

    /// The traits of every type the kernels implement (F32, F16, BF16, Q4_0, Q4_1, Q8_0).
    public static let table: [GGMLType: GGMLTypeTraits] = {
        var t: [GGMLType: GGMLTypeTraits] = [:]
        for type in [GGMLType.f32, .f16, .bf16, .q4_0, .q4_1, .q8_0] {
            t[type] = GGMLTypeTraits(
                type: type, blockSize: type.blockSize, typeSize: type.typeSize,
                vecDotType: MatVec.usesQuantizedActivations(type) ? .q8Activations : .float,
                toFloat: { src, dst, n in try? Dequantize.reference(type, src, dst, count: n) },
                fromFloat: { src, dst, n in try? Quantize.row(type, src, into: dst, count: n) },
                vecDot: { row, n, x, xq, level in
                    var out: Float = 0
                    let w = WeightMatrix(type: type, rows: 1, cols: n, data: row)
                    MatVec.multiply(w, x: x, xq: xq, y: &out, rows: 0..<1, level: level)
                    return out
                })
        }
        return t
    }()
}

extension GGMLType {
    /// Kernel traits, or nil when the kernels do not implement this type.
    public var traits: GGMLTypeTraits? { GGMLTypeTraits.table[self] }
}
