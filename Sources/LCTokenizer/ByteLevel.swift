/// GPT-2's byte-level alphabet: every byte is written as one printable code point so that BPE tokens are
/// text. Printable Latin-1 bytes stand for themselves; the other 68 bytes get U+0100 onwards, in byte order.
enum ByteLevel {
    /// Code point standing for each byte (256 entries).
    static let codepointForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var assigned = [Bool](repeating: false, count: 256)
        for b in 0x21...0x7E { table[b] = UInt32(b); assigned[b] = true }
        for b in 0xA1...0xAC { table[b] = UInt32(b); assigned[b] = true }
        for b in 0xAE...0xFF { table[b] = UInt32(b); assigned[b] = true }
        var next: UInt32 = 256
        for b in 0..<256 where !assigned[b] {
            table[b] = next
            next += 1
        }
        return table
    }()

    /// The byte a code point stands for, or nil when it is not in the alphabet.
    static func byte(for cp: UInt32) -> UInt8? {
        if (0x21...0x7E).contains(cp) || (0xA1...0xAC).contains(cp) || (0xAE...0xFF).contains(cp) {
            return UInt8(cp)
        }
        guard cp >= 256, cp < 256 + 68 else { return nil }
        return reverseOfExtended[Int(cp - 256)]
    }

    private static let reverseOfExtended: [UInt8] = {
        var out = [UInt8](repeating: 0, count: 68)
        for b in 0..<256 where codepointForByte[b] >= 256 { out[Int(codepointForByte[b] - 256)] = UInt8(b) }
        return out
    }()

    /// UTF-8 of the byte-level text for `bytes` (what a vocabulary stores for them).
    static func encode<S: Sequence>(_ bytes: S) -> [UInt8] where S.Element == UInt8 {
        var out: [UInt8] = []
        for b in bytes { appendUTF8(codepointForByte[Int(b)], to: &out) }
        return out
    }

    /// Appends the UTF-8 encoding of a scalar value (no validation; callers pass real code points).
    static func appendUTF8(_ cp: UInt32, to out: inout [UInt8]) {
        switch cp {
        case 0..<0x80:
            out.append(UInt8(cp))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (cp >> 6)))
            out.append(UInt8(0x80 | (cp & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (cp >> 12)))
            out.append(UInt8(0x80 | ((cp >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (cp & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (cp >> 18)))
            out.append(UInt8(0x80 | ((cp >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((cp >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (cp & 0x3F)))
        }
    }
}
