/// The pre-tokenizer: splits a text fragment's code points into words, exactly as llama.cpp's
/// `unicode_regex_split` does for the supported regex lists (hand-written, no regex engine).
///
/// Each regex of a list is applied within the pieces the previous one produced; look-aheads such as
/// `\s+(?!\S)` see the end of a piece as end of text. Word ends are appended as code point indices.
struct WordSplitter {
    let kind: PreTokenizerKind

    /// Appends the end index (exclusive) of every word of `cps[0..<n]` to `ends`.
    /// - Parameters:
    ///   - cps: code points (n)
    ///   - cls: their `UnicodeClass` bytes (n)
    func split(cps: UnsafePointer<UInt32>, cls: UnsafePointer<UInt8>, count n: Int, ends: inout [Int]) {
        guard n > 0 else { return }
        switch kind {
        case .smollm:
            // `\p{N}`: every number code point is a piece of its own; the GPT-2 regex runs between them.
            var runStart = 0
            for i in 0..<n where UnicodeClass.isNumber(cls[i]) {
                if runStart < i { Self.gpt2(cps, cls, runStart, i, &ends) }
                ends.append(i + 1)
                runStart = i + 1
            }
            if runStart < n { Self.gpt2(cps, cls, runStart, n, &ends) }
        case .gpt2:
            Self.gpt2(cps, cls, 0, n, &ends)
        case .llama3, .llama3Merged:
            Self.llama3(cps, cls, 0, n, &ends)
        case .default:
            Self.defaultChain(cps, cls, n, &ends)
        }
    }

    // MARK: GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)

    static func gpt2(_ cps: UnsafePointer<UInt32>, _ cls: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int,
                     _ ends: inout [Int]) {
        var pos = lo
        while pos < hi {
            let cp = cps[pos]
            // Contractions are case-sensitive here (unlike Llama 3's).
            if cp == 0x27, pos + 1 < hi {
                let c1 = cps[pos + 1]
                if c1 == 0x73 || c1 == 0x74 || c1 == 0x6D || c1 == 0x64 {  // s t m d
                    pos += 2
                    ends.append(pos)
                    continue
                }
                if pos + 2 < hi {
                    let c2 = cps[pos + 2]
                    if (c1 == 0x72 && c2 == 0x65) || (c1 == 0x76 && c2 == 0x65) || (c1 == 0x6C && c2 == 0x6C) {
                        pos += 3  // re ve ll
                        ends.append(pos)
                        continue
                    }
                }
            }
            let isSpace = cp == 0x20
            // The class that decides the branch: the next code point's after a space (none at the piece end).
            let lead: UInt8? = isSpace ? (pos + 1 < hi ? cls[pos + 1] : nil) : cls[pos]
            if let c = lead {
                if UnicodeClass.isLetter(c) {
                    pos += isSpace ? 1 : 0
                    while pos < hi && UnicodeClass.isLetter(cls[pos]) { pos += 1 }
                    ends.append(pos)
                    continue
                }
                if UnicodeClass.isNumber(c) {
                    pos += isSpace ? 1 : 0
                    while pos < hi && UnicodeClass.isNumber(cls[pos]) { pos += 1 }
                    ends.append(pos)
                    continue
                }
                if !isWordOrSpace(c) {
                    pos += isSpace ? 1 : 0
                    while pos < hi && !isWordOrSpace(cls[pos]) { pos += 1 }
                    ends.append(pos)
                    continue
                }
            }
            var spaces = 0
            while pos + spaces < hi && UnicodeClass.isWhitespace(cls[pos + spaces]) { spaces += 1 }
            if spaces > 1 && pos + spaces < hi {
                pos += spaces - 1  // \s+(?!\S): leave the last space to lead the next word
            } else if spaces > 0 {
                pos += spaces
            } else {
                pos += 1
            }
            ends.append(pos)
        }
    }

    @inline(__always) static func isWordOrSpace(_ c: UInt8) -> Bool {
        UnicodeClass.isWhitespace(c) || UnicodeClass.isLetter(c) || UnicodeClass.isNumber(c)
    }

    // MARK: Llama 3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+

    static func llama3(_ cps: UnsafePointer<UInt32>, _ cls: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int,
                       _ ends: inout [Int]) {
        @inline(__always) func lower(_ c: UInt32) -> UInt32 { (0x41...0x5A).contains(c) ? c + 0x20 : c }
        @inline(__always) func isCRLF(_ c: UInt32) -> Bool { c == 0x0D || c == 0x0A }
        var pos = lo
        while pos < hi {
            let cp = cps[pos]
            let c = cls[pos]
            if cp == 0x27, pos + 1 < hi {
                let c1 = lower(cps[pos + 1])
                if c1 == 0x73 || c1 == 0x74 || c1 == 0x6D || c1 == 0x64 {
                    pos += 2
                    ends.append(pos)
                    continue
                }
                if pos + 2 < hi {
                    let c2 = lower(cps[pos + 2])
                    if (c1 == 0x72 && c2 == 0x65) || (c1 == 0x76 && c2 == 0x65) || (c1 == 0x6C && c2 == 0x6C) {
                        pos += 3
                        ends.append(pos)
                        continue
                    }
                }
            }
            if !(isCRLF(cp) || UnicodeClass.isNumber(c)) {
                if UnicodeClass.isLetter(c) || (pos + 1 < hi && UnicodeClass.isLetter(cls[pos + 1])) {
                    pos += 1
                    while pos < hi && UnicodeClass.isLetter(cls[pos]) { pos += 1 }
                    ends.append(pos)
                    continue
                }
            }
            if UnicodeClass.isNumber(c) {
                var start = pos
                while pos < hi && UnicodeClass.isNumber(cls[pos]) {
                    pos += 1
                    if pos - start >= 3 {
                        ends.append(pos)
                        start = pos
                    }
                }
                if pos > start { ends.append(pos) }
                continue
            }
            let isSpace = cp == 0x20
            let lead: UInt8? = isSpace ? (pos + 1 < hi ? cls[pos + 1] : nil) : c
            if let l = lead, !isWordOrSpace(l) {
                pos += isSpace ? 1 : 0
                while pos < hi && !isWordOrSpace(cls[pos]) { pos += 1 }
                while pos < hi && isCRLF(cps[pos]) { pos += 1 }
                ends.append(pos)
                continue
            }
            var spaces = 0
            var lastNewlineEnd = 0
            while pos + spaces < hi && UnicodeClass.isWhitespace(cls[pos + spaces]) {
                if isCRLF(cps[pos + spaces]) { lastNewlineEnd = pos + spaces + 1 }
                spaces += 1
            }
            if lastNewlineEnd > 0 {
                pos = lastNewlineEnd
            } else if spaces > 1 && pos + spaces < hi {
                pos += spaces - 1
            } else if spaces > 0 {
                pos += spaces
            } else {
                pos += 1
            }
            ends.append(pos)
        }
    }

    // MARK: llama.cpp's default list: [\p{P}\$\+<=>\^~\|]+ , GPT-2, \p{N}+ , [0-9][0-9][0-9]

    static func defaultChain(_ cps: UnsafePointer<UInt32>, _ cls: UnsafePointer<UInt8>, _ n: Int,
                             _ ends: inout [Int]) {
        // Punctuation as llama.cpp's collapsed regex sees it: ASCII punctuation and $+<=>^~| , or a
        // non-ASCII, non-whitespace code point of category P.
        @inline(__always) func isPunctLike(_ i: Int) -> Bool {
            let cp = cps[i]
            if cp < 0x80 {
                switch cp {
                case 0x21...0x23, 0x25...0x2A, 0x2C...0x2F, 0x3A, 0x3B, 0x3F, 0x40, 0x5B...0x5D, 0x5F, 0x7B, 0x7D,
                     0x24, 0x2B, 0x3C...0x3E, 0x5E, 0x7E, 0x7C:
                    return true
                default:
                    return false
                }
            }
            return !UnicodeClass.isWhitespace(cls[i]) && UnicodeClass.isPunctuation(cls[i])
        }
        @inline(__always) func isAsciiDigit(_ i: Int) -> Bool { cps[i] >= 0x30 && cps[i] <= 0x39 }

        var pieces: [Int] = [n]
        var next: [Int] = []
        pieces = splitRuns(pieces, &next) { isPunctLike($0) }
        next.removeAll(keepingCapacity: true)
        var start = 0
        for end in pieces {
            gpt2(cps, cls, start, Int(end), &next)
            start = Int(end)
        }
        pieces = next
        next = []
        pieces = splitRuns(pieces, &next) { UnicodeClass.isNumber(cls[$0]) }
        start = 0
        for end in pieces {
            let hi = Int(end)
            var i = start
            var last = start
            while i + 3 <= hi {
                if isAsciiDigit(i) && isAsciiDigit(i + 1) && isAsciiDigit(i + 2) {
                    if i > last { ends.append(i) }
                    ends.append(i + 3)
                    i += 3
                    last = i
                } else {
                    i += 1
                }
            }
            if last < hi { ends.append(hi) }
            start = hi
        }
    }

    /// Splits every piece into maximal runs matching `matches` and the stretches between them.
    private static func splitRuns(_ pieces: [Int], _ out: inout [Int], _ matches: (Int) -> Bool) -> [Int] {
        out.removeAll(keepingCapacity: true)
        var start = 0
        for end in pieces {
            let hi = Int(end)
            var i = start
            var last = start
            while i < hi {
                if matches(i) {
                    var j = i + 1
                    while j < hi && matches(j) { j += 1 }
                    if i > last { out.append(i) }
                    out.append(j)
                    last = j
                    i = j
                } else {
                    i += 1
                }
            }
            if last < hi { out.append(hi) }
            start = hi
        }
        return out
    }
}
