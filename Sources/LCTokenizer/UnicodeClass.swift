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
/// Stage 1 maps each 256-code-point block to a stage-2 block. Blocks of one class share a single stage-2
/// block; only the few hundred mixed blocks get their own, so the table is ~100 KB and builds in well under
/// a millisecond (it is built on first use, inside the first `encode`).
final class UnicodeClassTable: @unchecked Sendable {
    // Immutable after init; the raw pointers avoid bounds checks in the per-code-point loop.
    private let stage1: UnsafeMutablePointer<UInt16>  // (0x110000 >> 8) block indices
    private let stage2: UnsafeMutablePointer<UInt8>   // (blocks × 256) class bytes

    static let shared = UnicodeClassTable()

    private init() {
        let blockCount = 0x110000 >> 8
        let runs = unicodeClassRuns
        @inline(__always) func runStart(_ i: Int) -> Int { i < runs.count ? Int(runs[i] >> 8) : 0x110000 }
        var blocks: [UInt8] = []
        var uniformBlock = [Int](repeating: -1, count: 256)  // class byte -> its all-same block
        let s1 = UnsafeMutablePointer<UInt16>.allocate(capacity: blockCount)
        var run = 0
        for b in 0..<blockCount {
            let lo = b << 8, hi = lo + 256
            while runStart(run + 1) <= lo { run += 1 }
            if runStart(run + 1) >= hi {
                let c = Int(UInt8(truncatingIfNeeded: runs[run]))
                if uniformBlock[c] < 0 {
                    uniformBlock[c] = blocks.count >> 8
                    blocks.append(contentsOf: repeatElement(UInt8(c), count: 256))
                }
                s1[b] = UInt16(uniformBlock[c])
            } else {
                s1[b] = UInt16(blocks.count >> 8)
                var r = run
                for cp in lo..<hi {
                    while runStart(r + 1) <= cp { r += 1 }
                    blocks.append(UInt8(truncatingIfNeeded: runs[r]))
                }
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
