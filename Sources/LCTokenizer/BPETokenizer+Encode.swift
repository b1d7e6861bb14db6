#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffers reused across the fragments and words of one `encode` call.
struct EncodeScratch {
    var cps: [UInt32] = []      // (fragment code points)
    var cls: [UInt8] = []       // (fragment code points) UnicodeClass bytes
    var offsets: [Int] = []     // (fragment code points + 1) byte offset of each code point
    var ends: [Int] = []        // (words) end code point index of each word
    var symbols: [Int32] = []   // (word bytes) token id of each symbol; -1 once merged away,
                                // `BPETokenizer.absentByte` for a byte without a token
    var prev: [Int32] = []      // (word bytes) previous live symbol, -1 at the start
    var next: [Int32] = []      // (word bytes) next live symbol, -1 at the end
    var heap: [UInt64] = []     // candidate merges: rank << 32 | left symbol index (min-heap)
}

/// A piece of the input after special tokens are cut out: raw text (a byte range) or a special token.
enum Fragment: Equatable {
    case text(start: Int, end: Int)
    case token(TokenID)
}

extension BPETokenizer {
    /// Token ids for `text` (BOS first only when `addBOS`).
    ///
    /// With `parseSpecial` (llama.cpp's `special = true`) the texts of control tokens such as `<|im_start|>`
    /// become those tokens; without it only user-defined tokens do and control texts are tokenized as plain
    /// text. Whitespace around special tokens is kept as text.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [TokenID] {
        var out: [TokenID] = []
        if addBOS, let bos = bosId { out.append(bos) }
        var text = text
        text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return }
            out.reserveCapacity(out.count + bytes.count / 3 + 4)
            var scratch = EncodeScratch()
            for fragment in partition(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case let .token(id):
                    out.append(id)
                case let .text(start, end):
                    encodeFragment(bytes, start, end, &out, &scratch)
                }
            }
        }
        return out
    }

    // MARK: Special tokens

    /// Cuts the text at special tokens as llama.cpp's `tokenizer_st_partition` does: for each special token
    /// in turn (longest text first), every remaining text fragment is split at all its occurrences.
    func partition(_ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        var fragments: [Fragment] = [.text(start: 0, end: bytes.count)]
        var split: [Fragment] = []
        for (k, id) in specialOrder.enumerated() {
            let attr = attributes[Int(id)]
            if !parseSpecial && !attr.intersection([.control, .unknown]).isEmpty { continue }
            let pattern = specialTexts[k]
            guard !pattern.isEmpty, pattern.count <= bytes.count else { continue }
            var found = false
            split.removeAll(keepingCapacity: true)
            pattern.withUnsafeBufferPointer { pat in
                for fragment in fragments {
                    guard case let .text(start, end) = fragment else {
                        split.append(fragment)
                        continue
                    }
                    var from = start
                    while let match = Self.find(pat, in: bytes, from: from, to: end) {
                        found = true
                        if match > from { split.append(.text(start: from, end: match)) }
                        split.append(.token(id))
                        from = match + pat.count
                    }
                    if from < end { split.append(.text(start: from, end: end)) }
                }
            }
            if found { swap(&fragments, &split) }
        }
        return fragments
    }

    /// First occurrence of `pattern` within `bytes[from..<to]`.
    static func find(_ pattern: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>,
                     from: Int, to: Int) -> Int? {
        let m = pattern.count
        guard let base = bytes.baseAddress, let pat = pattern.baseAddress, m > 0 else { return nil }
        var i = from
        while i + m <= to {
            guard let hit = memchr(base + i, Int32(pat[0]), to - m + 1 - i) else { return nil }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + at, pat, m) == 0 { return at }
            i = at + 1
        }
        return nil
    }

    // MARK: Text fragments

    /// Pre-tokenizes one text fragment and appends the BPE tokens of each of its words.
    func encodeFragment(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                        _ out: inout [TokenID], _ scratch: inout EncodeScratch) {
        let length = end - start
        if scratch.cps.count < length {
            scratch.cps = [UInt32](repeating: 0, count: length)
            scratch.cls = [UInt8](repeating: 0, count: length)
            scratch.offsets = [Int](repeating: 0, count: length + 1)
        }
        let classes = UnicodeClassTable.shared
        // Decode UTF-8 (valid: it comes from a String; a malformed byte would count as one U+FFFD).
        var count = 0
        scratch.cps.withUnsafeMutableBufferPointer { cps in
            scratch.cls.withUnsafeMutableBufferPointer { cls in
                scratch.offsets.withUnsafeMutableBufferPointer { offs in
                    var i = start
                    while i < end {
                        let (cp, len) = Self.decodeScalar(bytes, i, end)
                        cps[count] = cp
                        cls[count] = cp < 0x80 ? Self.asciiClasses[Int(cp)] : classes.classOf(cp)
                        offs[count] = i
                        count += 1
                        i += len
                    }
                    offs[count] = end
                }
            }
        }
        scratch.ends.removeAll(keepingCapacity: true)
        scratch.cps.withUnsafeBufferPointer { cps in
            scratch.cls.withUnsafeBufferPointer { cls in
                splitter.split(cps: cps.baseAddress!, cls: cls.baseAddress!, count: count, ends: &scratch.ends)
            }
        }
        var wordStart = 0
        for k in 0..<scratch.ends.count {
            let wordEnd = scratch.ends[k]
            let b0 = scratch.offsets[wordStart], b1 = scratch.offsets[wordEnd]
            encodeWord(UnsafeBufferPointer(rebasing: bytes[b0..<b1]), &out, &scratch)
            wordStart = wordEnd
        }
    }

    /// Classes of the 128 ASCII code points, looked up once.
    static let asciiClasses: [UInt8] = (0..<128).map { UnicodeClassTable.shared.classOf(UInt32($0)) }

    /// One scalar at `i`: its value and byte length.
    @inline(__always)
    static func decodeScalar(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> (UInt32, Int) {
        let b0 = UInt32(b[i])
        if b0 < 0x80 { return (b0, 1) }
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard i + k < end, b[i + k] & 0xC0 == 0x80 else { return nil }
            return UInt32(b[i + k] & 0x3F)
        }
        if b0 & 0xE0 == 0xC0, let c1 = cont(1) { return ((b0 & 0x1F) << 6 | c1, 2) }
        if b0 & 0xF0 == 0xE0, let c1 = cont(1), let c2 = cont(2) { return ((b0 & 0x0F) << 12 | c1 << 6 | c2, 3) }
        if b0 & 0xF8 == 0xF0, let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) {
            return ((b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3, 4)
        }
        return (0xFFFD, 1)
    }

    // MARK: BPE

    /// Appends the tokens of one word: merges its byte tokens by rank, lowest rank first and leftmost
    /// among equals (llama.cpp's `llm_tokenizer_bpe_session`).
    func encodeWord(_ word: UnsafeBufferPointer<UInt8>, _ out: inout [TokenID], _ scratch: inout EncodeScratch) {
        let m = word.count
        if m == 0 { return }
        if m == 1 {
            let id = byteTokens[Int(word[0])]
            if id >= 0 { out.append(id) }
            return
        }
        if let raw = rawWordTable, let id = raw.value(for: word) {
            out.append(id)
            return
        }
        if m <= Self.shortWordLimit {
            mergeShortWord(word, &out)
        } else {
            mergeLongWord(word, &out, &scratch)
        }
    }

    /// Merges a word with a priority queue of candidate pairs (llama.cpp's method; O(m log m) for long
    /// words). Stale candidates are skipped when popped.
    func mergeLongWord(_ word: UnsafeBufferPointer<UInt8>, _ out: inout [TokenID], _ scratch: inout EncodeScratch) {
        let m = word.count
        if scratch.symbols.count < m {
            let size = max(m, 64)
            scratch.symbols = [Int32](repeating: 0, count: size)
            scratch.prev = [Int32](repeating: 0, count: size)
            scratch.next = [Int32](repeating: 0, count: size)
        }
        scratch.heap.removeAll(keepingCapacity: true)
        let merges = self.merges
        byteTokens.withUnsafeBufferPointer { byteTok in
            scratch.symbols.withUnsafeMutableBufferPointer { sym in
                scratch.prev.withUnsafeMutableBufferPointer { prev in
                    scratch.next.withUnsafeMutableBufferPointer { next in
                        for i in 0..<m {
                            sym[i] = byteTok[Int(word[i])]
                            prev[i] = Int32(i - 1)
                            next[i] = Int32(i + 1)
                        }
                        next[m - 1] = -1
                        // Take the buffer out of `scratch` (not a copy) so pushes do not trigger copy-on-write.
                        var heap = Heap(storage: [])
                        swap(&heap.storage, &scratch.heap)
                        for i in 0..<(m - 1) {
                            if let e = merges.lookup(left: sym[i], right: sym[i + 1]) {
                                heap.push(e & 0xFFFF_FFFF_0000_0000 | UInt64(i))
                            }
                        }
                        while let top = heap.pop() {
                            let left = Int(top & 0xFFFF_FFFF)
                            let rank = top >> 32
                            // Skip candidates made stale by an earlier merge: the pair at `left` must
                            // still be the one that was queued (a rank names one pair).
                            guard sym[left] >= 0 else { continue }
                            let right = Int(next[left])
                            guard right >= 0, let e = merges.lookup(left: sym[left], right: sym[right]),
                                  e >> 32 == rank else { continue }
                            sym[left] = Int32(truncatingIfNeeded: e)
                            sym[right] = -1
                            let after = next[right]
                            next[left] = after
                            if after >= 0 { prev[Int(after)] = Int32(left) }
                            let before = prev[left]
                            if before >= 0, let p = merges.lookup(left: sym[Int(before)], right: sym[left]) {
                                heap.push(p & 0xFFFF_FFFF_0000_0000 | UInt64(before))
                            }
                            if after >= 0, let q = merges.lookup(left: sym[left], right: sym[Int(after)]) {
                                heap.push(q & 0xFFFF_FFFF_0000_0000 | UInt64(left))
                            }
                        }
                        heap.storage.removeAll(keepingCapacity: true)
                        swap(&heap.storage, &scratch.heap)
                        var i = 0
                        while i >= 0 {
                            if sym[i] >= 0 { out.append(sym[i]) }  // an absent byte is dropped
                            i = Int(next[i])
                        }
                    }
                }
            }
        }
    }
}

extension BPETokenizer {
    /// Words up to this many bytes are merged by scanning for the best pair instead of using a heap.
    static let shortWordLimit = 32

    /// Merges a short word (most words are): the candidate pair after each symbol is kept in an array and
    /// the next merge is found by a scan, which beats a heap for a handful of symbols. The order is the
    /// same: lowest rank first, leftmost among equals (equal entries mean the same pair, and the scan keeps
    /// the first).
    func mergeShortWord(_ word: UnsafeBufferPointer<UInt8>, _ out: inout [TokenID]) {
        let m = word.count
        let merges = self.merges
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: m) { sym in      // (m) symbol token ids
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: m) { pair in  // (m) merge of (i, i + 1)
                byteTokens.withUnsafeBufferPointer { byteTok in
                    for i in 0..<m { sym[i] = byteTok[Int(word[i])] }
                }
                var n = m
                for i in 0..<(n - 1) { pair[i] = merges.lookup(left: sym[i], right: sym[i + 1]) ?? .max }
                while n > 1 {
                    var best = UInt64.max
                    var at = -1
                    for i in 0..<(n - 1) where pair[i] < best {
                        best = pair[i]
                        at = i
                    }
                    if at < 0 { break }
                    sym[at] = Int32(truncatingIfNeeded: best)
                    // Remove symbol at + 1; pairs after it move down one place.
                    var j = at + 1
                    while j < n - 1 {
                        sym[j] = sym[j + 1]
                        if j + 1 < n - 1 { pair[j] = pair[j + 1] }
                        j += 1
                    }
                    n -= 1
                    if at > 0 { pair[at - 1] = merges.lookup(left: sym[at - 1], right: sym[at]) ?? .max }
                    if at < n - 1 { pair[at] = merges.lookup(left: sym[at], right: sym[at + 1]) ?? .max }
                }
                for i in 0..<n where sym[i] >= 0 { out.append(sym[i]) }  // an absent byte is dropped
            }
        }
    }
}

/// A binary min-heap of `UInt64` keys (rank in the high half, position in the low half, so the order is
/// rank first, then leftmost).
struct Heap {
    var storage: [UInt64]

    mutating func push(_ key: UInt64) {
        storage.append(key)
        storage.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let parent = (i - 1) >> 1
                if h[parent] <= key { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = key
        }
    }

    mutating func pop() -> UInt64? {
        guard let last = storage.popLast() else { return nil }
        if storage.isEmpty { return last }
        return storage.withUnsafeMutableBufferPointer { h in
            let top = h[0]
            let n = h.count
            var i = 0
            while true {
                var child = 2 * i + 1
                if child >= n { break }
                if child + 1 < n && h[child + 1] < h[child] { child += 1 }
                if last <= h[child] { break }
                h[i] = h[child]
                i = child
            }
            h[i] = last
            return top
        }
    }
}
