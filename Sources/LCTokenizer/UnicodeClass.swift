/// The class of a code point as llama.cpp's pre-tokenizer regexes see it (`\p{L}`, `\p{N}`, `\s`, ...).
///
/// Stored as one byte: the low 3 bits are the general category, bit 3 marks whitespace (llama.cpp's fixed
/// whitespace set). The data comes from the reference library itself (Scripts/make-unicode-table.py), so
/// the splitters agree with it on every code point, including ones newer Unicode versions have assigned.
struct UnicodeClass: Equatable {
    let raw: UInt8

    static let undefined: UInt8 = 0
    static let number: UInt8 = 1
    static let letter: UInt8 = 2
    static let separator: UInt8 = 3
    static let mark: UInt8 = 4
    static let punctuation: UInt8 = 5
    static let symbol: UInt8 = 6
    static let control: UInt8 = 7
    static let whitespaceBit: UInt8 = 0x08

    @inline(__always) static func category(_ c: UInt8) -> UInt8 { c & 0x07 }
    @inline(__always) static func isNumber(_ c: UInt8) -> Bool { c & 0x07 == number }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { c & 0x07 == letter }
    @inline(__always) static func isWhitespace(_ c: UInt8) -> Bool { c & whitespaceBit != 0 }
    @inline(__always) static func isPunctuation(_ c: UInt8) -> Bool { c & 0x07 == punctuation }
}

/// A two-level lookup table from code point to class byte, built once from the generated runs.
///
/// Stage 1 maps each 256-code-point block to a deduplicated stage-2 block; most of the 4352 blocks share a
/// handful of distinct contents, so the table is ~100 KB instead of 1.1 MB.
final class UnicodeClassTable: @unchecked Sendable {
    // Immutable after init; the raw pointers avoid bounds checks in the per-code-point loop.
    private let stage1: UnsafeMutablePointer<UInt16>  // (0x110000 >> 8) block indices
    private let stage2: UnsafeMutablePointer<UInt8>   // (distinct blocks × 256) class bytes

    static let shared = UnicodeClassTable()

    private init() {
        let blockCount = 0x110000 >> 8
        var flat = [UInt8](repeating: UnicodeClass.undefined, count: 0x110000)
        let runs = unicodeClassRuns
        for i in 0..<runs.count {
            let start = Int(runs[i] >> 8)
            let end = i + 1 < runs.count ? Int(runs[i + 1] >> 8) : 0x110000
            let c = UInt8(truncatingIfNeeded: runs[i])
            for cp in start..<end { flat[cp] = c }
        }
        var blockIndex: [[UInt8]: UInt16] = [:]
        var blocks: [UInt8] = []
        let s1 = UnsafeMutablePointer<UInt16>.allocate(capacity: blockCount)
        for b in 0..<blockCount {
            let block = Array(flat[(b << 8)..<((b + 1) << 8)])
            if let idx = blockIndex[block] {
                s1[b] = idx
            } else {
                let idx = UInt16(blockIndex.count)
                blockIndex[block] = idx
                blocks.append(contentsOf: block)
                s1[b] = idx
            }
        }
        let s2 = UnsafeMutablePointer<UInt8>.allocate(capacity: blocks.count)
        s2.initialize(from: blocks, count: blocks.count)
        stage1 = s1
        stage2 = s2
    }

    deinit {
        stage1.deallocate()
        stage2.deallocate()
    }

    /// The class byte of `cp`; code points past U+10FFFF are undefined.
    @inline(__always) func classOf(_ cp: UInt32) -> UInt8 {
        guard cp < 0x110000 else { return UnicodeClass.undefined }
        return stage2[Int(stage1[Int(cp >> 8)]) << 8 | Int(cp & 0xFF)]
    }
}
