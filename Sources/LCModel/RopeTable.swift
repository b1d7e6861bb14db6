import Foundation
import LCKernels

/// Cosines and sines of the rotary embedding for every position of the context: `(position, pair, {cos, sin})`.
/// Computed the way ggml's rope cache is (`theta` starts at the position and is multiplied by
/// `base^(-2/ropeDims)` from pair to pair, in Float), so angles match llama.cpp's to the last bit of the
/// recurrence rather than only to float noise.
final class RopeTable {
    /// Rotated pairs per head (`ropeDimensionCount / 2`).
    let pairs: Int
    private let table: UnsafeMutablePointer<Float>

    init(hyperparameters hp: ModelHyperparameters, positions: Int, frequencyFactors: FloatVectorView?) {
        pairs = hp.ropeDimensionCount / 2
        table = .allocate(capacity: positions * pairs * 2)
        let thetaScale = powf(hp.ropeFreqBase, -2 / Float(hp.ropeDimensionCount))
        for p in 0..<positions {
            var theta = Float(p)
            let row = table + p * pairs * 2
            for j in 0..<pairs {
                let angle = frequencyFactors.map { theta / $0.base[j] } ?? theta
                row[2 * j] = cosf(angle)
                row[2 * j + 1] = sinf(angle)
                theta *= thetaScale
            }
        }
    }

    deinit { table.deallocate() }

    /// `(pairs, {cos, sin})` for `position`.
    @inline(__always) func row(_ position: Int) -> UnsafePointer<Float> { UnsafePointer(table + position * pairs * 2) }
}
