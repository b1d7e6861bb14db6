@testable import LCKernels
import LCTestSupport

extension SplitMix64 {
    /// Uniform in [-scale, scale), with an occasional outlier ×8 so block maxima vary.
    mutating func float(_ scale: Float = 1) -> Float {
        let u = Float.random(in: -scale..<scale, using: &self)
        return UInt8.random(in: 0..<64, using: &self) == 0 ? u * 8 : u
    }
}

/// Owned, aligned storage for a quantized matrix plus the floats it came from.
final class TestMatrix {
    let type: GGMLType
    let rows: Int
    let cols: Int
    let bytes: UnsafeMutableRawPointer
    let byteCount: Int

    init(type: GGMLType, rows: Int, cols: Int, rng: inout SplitMix64) throws {
        self.type = type
        self.rows = rows
        self.cols = cols
        let rowBytes = type.byteCount(elements: cols)!
        byteCount = rowBytes * rows
        bytes = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        var src = [Float](repeating: 0, count: cols)
        for r in 0..<rows {
            for i in 0..<cols { src[i] = rng.float() }
            try src.withUnsafeBufferPointer { try Quantize.row(type, $0.baseAddress!, into: bytes + r * rowBytes, count: cols) }
        }
    }

    deinit { bytes.deallocate() }

    var matrix: WeightMatrix { WeightMatrix(type: type, rows: rows, cols: cols, data: UnsafeRawPointer(bytes)) }
}

func randomFloats(_ n: Int, _ rng: inout SplitMix64, scale: Float = 2) -> [Float] {
    (0..<n).map { _ in rng.float(scale) }
}

/// Column counts that exercise every tail: one block, pairs, odd block counts, the model's widths.
let awkwardCols = [32, 64, 96, 160, 224, 576, 1536, 32 * 7, 32 * 17, 32 * 37]
/// Row counts that exercise multi-row tails.
let awkwardRows = [1, 2, 3, 5, 7, 17, 63]
/// Every type `MatVec.multiply` implements.
let kernelTypes: [GGMLType] = [.q4_0, .q4_1, .q8_0, .f32, .f16, .bf16]
