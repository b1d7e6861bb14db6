import LCTestSupport

extension SplitMix64 {
    /// The generator for case `index` of a run seeded with `seed`.
    static func forCase(seed: UInt64, index: Int) -> SplitMix64 {
        var g = SplitMix64(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        _ = g.next()
        return g
    }
}

/// A valid GGUF image to mutate, with the positions of its structural fields.
struct FuzzBase {
    var name: String
    var bytes: [UInt8]
    var layout: GGUFLayout
    /// Fields grouped by kind, so that a rare kind (the version) is picked as often as a common one
    /// (the 49,152 token lengths of the real vocabulary).
    var byKind: [[GGUFLayout.Field]]

    init?(name: String, bytes: [UInt8]) {
        guard let layout = GGUFLayout.scan(bytes) else { return nil }
        self.name = name
        self.bytes = bytes
        self.layout = layout
        byKind = GGUFLayout.Kind.allCases.map { k in layout.fields.filter { $0.kind == k } }.filter { !$0.isEmpty }
    }
}

/// Corrupts GGUF images the ways hostile or damaged files are corrupt: flipped bits, truncation, structural
/// fields overwritten with absurd values, random bytes, and splices of other files' bytes.
enum GGUFMutator {
    /// Values that break parsers: zero, small, block-size neighbours, sign and width boundaries, huge.
    static let absurd: [UInt64] = [
        0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 14, 15, 16, 24, 31, 32, 33, 63, 64, 255, 256, 4095, 4096, 65535, 65536,
        1 << 20, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1 << 32, 1 << 40, 1 << 62, UInt64(Int64.max), 1 << 63,
        UInt64.max - 31, UInt64.max - 1, UInt64.max,
    ]

    /// Applies one to three mutations to a copy of `base`; returns the image and a description of what was done.
    static func mutate(_ base: FuzzBase, donors: [FuzzBase], rng: inout SplitMix64) -> ([UInt8], [String]) {
        var b = base.bytes
        var log: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard !b.isEmpty else { break }
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<30: // structural field := absurd value (or a neighbour of its own value)
                let kind = base.byKind.randomElement(using: &rng)!
                let f = kind.randomElement(using: &rng)!
                guard f.offset + f.width <= b.count else { continue }
                var old: UInt64 = 0
                for k in 0..<f.width { old |= UInt64(b[f.offset + k]) << (8 * UInt64(k)) }
                let v: UInt64
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: v = old &+ 1
                case 1: v = old &- 1
                case 2: v = rng.next()
                default: v = absurd.randomElement(using: &rng)!
                }
                b.patchLE(at: f.offset, width: f.width, value: v)
                log.append("\(f.kind)@\(f.offset)(\(f.owner)):=\(v)")
            case 30..<50: // flip bits
                let n = Int.random(in: 1...8, using: &rng)
                for _ in 0..<n {
                    let i = Int.random(in: 0..<b.count, using: &rng)
                    b[i] ^= UInt8.random(in: 1...255, using: &rng)
                }
                log.append("flip\(n)")
            case 50..<62: // truncate, often near the structure's end
                let cut = Bool.random(using: &rng) ? Int.random(in: 0..<b.count, using: &rng)
                    : max(0, min(b.count - 1, base.layout.directoryEnd + Int.random(in: -64...64, using: &rng)))
                b.removeSubrange(cut...)
                log.append("truncate\(cut)")
            case 62..<72: // random bytes over a range
                let at = Int.random(in: 0..<b.count, using: &rng)
                let n = min(Int.random(in: 1...32, using: &rng), b.count - at)
                for i in at..<(at + n) { b[i] = UInt8.random(in: 0...255, using: &rng) }
                log.append("random\(n)@\(at)")
            case 72..<82: // splice another file's bytes over ours
                let donor = donors.randomElement(using: &rng)!.bytes
                let from = Int.random(in: 0..<donor.count, using: &rng)
                let n = min(Int.random(in: 1...256, using: &rng), donor.count - from)
                let at = Int.random(in: 0..<b.count, using: &rng)
                let m = min(n, b.count - at)
                b.replaceSubrange(at..<(at + m), with: donor[from..<(from + m)])
                log.append("splice\(m)@\(at)")
            case 82..<88: // insert bytes (shifts everything after: every later length now lies)
                let at = Int.random(in: 0...b.count, using: &rng)
                let n = Int.random(in: 1...16, using: &rng)
                b.insert(contentsOf: (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
                log.append("insert\(n)@\(at)")
            case 88..<94: // delete a range
                let at = Int.random(in: 0..<b.count, using: &rng)
                let n = min(Int.random(in: 1...64, using: &rng), b.count - at)
                b.removeSubrange(at..<(at + n))
                log.append("delete\(n)@\(at)")
            default: // duplicate a range in place (repeated keys and tensors)
                let at = Int.random(in: 0..<b.count, using: &rng)
                let n = min(Int.random(in: 1...128, using: &rng), b.count - at)
                b.insert(contentsOf: Array(b[at..<(at + n)]), at: at + n)
                log.append("dup\(n)@\(at)")
            }
        }
        return (b, log)
    }
}
