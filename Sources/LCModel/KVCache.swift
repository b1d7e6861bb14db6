import LCKernels

/// Keys and values of every layer for one session, in Float: `keys`, `values`: `(layer, kvHead, position,
/// headDim)`, so one head's cached keys (or values) are a row-major `(position, headDim)` matrix the attention
/// kernels read in place. Allocated once for the whole context and never initialised in bulk: pages are touched
/// only as positions are written (resident memory grows with the tokens actually held, not the context), and
/// a position is always written before it is read. (llama.cpp keeps F16 here; Float costs twice the memory
/// per held token but no conversions, and the parity tests show no loss of agreement.)
final class KVCache {
    let layers: Int
    let kvHeads: Int
    /// Positions the cache holds (the session's context length).
    let capacity: Int
    let headDim: Int
    private let keys: UnsafeMutablePointer<Float>
    private let values: UnsafeMutablePointer<Float>

    init(layers: Int, kvHeads: Int, capacity: Int, headDim: Int) {
        self.layers = layers
        self.kvHeads = kvHeads
        self.capacity = capacity
        self.headDim = headDim
        let count = layers * kvHeads * capacity * headDim
        keys = .allocate(capacity: count)
        values = .allocate(capacity: count)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// Bytes held by keys and values together.
    var byteCount: Int { 2 * layers * kvHeads * capacity * headDim * MemoryLayout<Float>.stride }

    @inline(__always) private func offset(_ layer: Int, _ head: Int, _ position: Int) -> Int {
        ((layer * kvHeads + head) * capacity + position) * headDim
    }

    /// The key of `head` at `position` in `layer`, `(headDim)`.
    @inline(__always) func key(layer: Int, head: Int, position: Int) -> UnsafeMutablePointer<Float> {
        keys + offset(layer, head, position)
    }

    /// The value of `head` at `position` in `layer`, `(headDim)`.
    @inline(__always) func value(layer: Int, head: Int, position: Int) -> UnsafeMutablePointer<Float> {
        values + offset(layer, head, position)
    }
}
