/// An open-addressing hash map from byte strings to 32-bit values.
///
/// Token texts must be compared byte for byte: `String` equality is canonical equivalence, which would
/// merge distinct vocabulary entries such as "é" and "e\u{301}".
struct ByteStringTable: Sendable {
    private var slots: [Int32]        // (capacity) entry index, or -1 when empty
    private var hashes: [UInt64]      // (entries) full hash, checked before comparing bytes
    private var keyStart: [Int32]     // (entries + 1) offsets into `keyBytes`
    private var keyBytes: [UInt8]     // concatenated keys
    private var values: [Int32]       // (entries)
    private var mask: Int

    init(expectedCount: Int) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        hashes = []
        keyStart = [0]
        keyBytes = []
        values = []
        hashes.reserveCapacity(expectedCount)
        keyStart.reserveCapacity(expectedCount + 1)
        values.reserveCapacity(expectedCount)
    }

    var count: Int { values.count }

    /// FNV-1a, 64 bit: keys are short token texts and words.
    @inline(__always) static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h ^ (h >> 29)
    }

    /// The value stored for `key`, if any.
    func value(for key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = Self.hash(key)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[slot])
            if e < 0 { return nil }
            if hashes[e] == h && equals(e, key) { return values[e] }
            slot = (slot + 1) & mask
        }
    }

    /// The value stored for the UTF-8 of `key`, if any.
    func value(for key: [UInt8]) -> Int32? {
        key.withUnsafeBufferPointer { value(for: $0) }
    }

    /// Inserts `key`; when it is already present, leaves the table unchanged and returns the old value.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, value: Int32) -> Int32? {
        if (values.count + 1) * 2 > slots.count { grow() }
        let h = Self.hash(key)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[slot])
            if e < 0 { break }
            if hashes[e] == h && equals(e, key) { return values[e] }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(values.count)
        hashes.append(h)
        keyBytes.append(contentsOf: key)
        keyStart.append(Int32(keyBytes.count))
        values.append(value)
        return nil
    }

    @discardableResult
    mutating func insert(_ key: [UInt8], value: Int32) -> Int32? {
        key.withUnsafeBufferPointer { insert($0, value: value) }
    }

    private func equals(_ e: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Int(keyStart[e])
        let n = Int(keyStart[e + 1]) - s
        guard n == key.count else { return false }
        return keyBytes.withUnsafeBufferPointer { kb in
            for i in 0..<n where kb[s + i] != key[i] { return false }
            return true
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for e in 0..<values.count {
            var slot = Int(truncatingIfNeeded: hashes[e]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(e)
        }
    }
}

/// An open-addressing hash map from a pair of token ids to a merge: `(left, right) -> (rank, result)`.
struct MergeTable: Sendable {
    private var keys: [UInt64]     // (capacity) left << 32 | right, or `empty`
    private var entries: [UInt64]  // (capacity) rank << 32 | result
    private let shift: UInt64
    private let mask: Int
    private static let empty = UInt64.max

    init(expectedCount: Int) {
        var bits: UInt64 = 4
        while (1 << bits) < expectedCount * 2 { bits += 1 }
        keys = [UInt64](repeating: Self.empty, count: 1 << Int(bits))
        entries = [UInt64](repeating: 0, count: 1 << Int(bits))
        shift = 64 - bits
        mask = (1 << Int(bits)) - 1
    }

    @inline(__always) private func slot(for key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Adds a merge unless the pair is already present (the first, lowest rank wins, as in llama.cpp).
    mutating func insertIfAbsent(left: Int32, right: Int32, rank: Int32, result: Int32) {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        var s = slot(for: key)
        while keys[s] != Self.empty {
            if keys[s] == key { return }
            s = (s + 1) & mask
        }
        keys[s] = key
        entries[s] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: result))
    }

    /// `rank << 32 | result` for the pair, or nil when the pair never merges.
    @inline(__always) func lookup(left: Int32, right: Int32) -> UInt64? {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        var s = slot(for: key)
        return keys.withUnsafeBufferPointer { k in
            while true {
                let stored = k[s]
                if stored == key { return entries[s] }
                if stored == Self.empty { return nil }
                s = (s + 1) & mask
            }
        }
    }
}
