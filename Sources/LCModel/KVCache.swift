import LCKernels

/// Keys and values of every layer for one session, in IEEE half precision (as llama.cpp's default F16 cache):
/// `keys`, `values`: `(layer, kvHead, position, headDim)`. Allocated once for the whole context and never
/// initialised in bulk, so pages are touched only as positions are written; a position is always written
/// before it is read.
final class KVCache {
    let layers: Int
    let kvHeads: Int
    /// Positions the cache holds (the session's context length).
    let capacity: Int
    let headDim: Int
    private let keys: UnsafeMutablePointer<UInt16>
    private let values: UnsafeMutablePointer<UInt16>

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
    var byteCount: Int { 2 * layers * kvHeads * capacity * headDim * MemoryLayout<UInt16>.stride }

    @inline(__always) private func offset(_ layer: Int, _ head: Int, _ position: Int) -> Int {
        ((layer * kvHeads + head) * capacity + position) * headDim
    }

    /// The key of `head` at `position` in `layer`, `(headDim)`.
    @inline(__always) func key(layer: Int, head: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        keys + offset(layer, head, position)
    }

    /// The value of `head` at `position` in `layer`, `(headDim)`.
    @inline(__always) func value(layer: Int, head: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        values + offset(layer, head, position)
    }
}
