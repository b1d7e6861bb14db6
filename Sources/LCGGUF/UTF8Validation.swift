/// Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) without
/// building a String, so the reader can check every vocabulary entry at open time for the cost of one pass
/// over the bytes. `String(decoding:)` would silently repair bad bytes instead.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            // ASCII fast path, eight bytes at a time (vocabulary entries are mostly ASCII).
            while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { break }
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF  // allowed range of the second byte
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F  // excludes UTF-16 surrogates
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F  // nothing above U+10FFFF
            default: return false  // continuation byte first, overlong lead (C0, C1) or F5...FF
            }
            guard i + need < n else { return false }
            let b1 = bytes[i + 1]
            guard b1 >= lo, b1 <= hi else { return false }
            for k in 2...max(2, need) where k <= need {
                guard bytes[i + k] & 0xC0 == 0x80 else { return false }
            }
            i += need + 1
        }
        return true
    }
}
