/// Turns generated token ids into text one id at a time without ever splitting a UTF-8 character.
///
/// A token may end in the middle of a multi-byte character (byte-level BPE has tokens for single bytes of
/// an emoji, say). `feed` returns only text that is complete and holds back a valid but unfinished
/// sequence until the bytes that finish it arrive; bytes that can never be valid become U+FFFD at once.
/// The concatenated output equals `tokenizer.decode(allIds)`.
public struct StreamingDetokenizer: Sendable {
    private let tokenizer: BPETokenizer
    private var pending: [UInt8] = []  // (≤ 3 after each feed) bytes of an unfinished character

    /// A detokenizer for ids from `tokenizer`.
    public init(tokenizer: BPETokenizer) {
        self.tokenizer = tokenizer
        pending.reserveCapacity(64)
    }

    /// Adds one token; returns the text that is now complete (often empty while a character is unfinished).
    public mutating func feed(_ id: TokenID) -> String {
        tokenizer.appendPiece(id, to: &pending)
        let cut = Self.completePrefixLength(pending)
        if cut == 0 { return "" }
        let text = String(decoding: pending[0..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Returns whatever is held back (an unfinished character becomes U+FFFD) and starts afresh.
    public mutating func flush() -> String {
        defer { pending.removeAll(keepingCapacity: true) }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Whether bytes are being held back for an unfinished character.
    public var hasPendingBytes: Bool { !pending.isEmpty }

    /// Length of the longest prefix that can be decoded now: all of `bytes` unless they end with the start
    /// of a well-formed multi-byte sequence that more bytes could still complete.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        var lead = n - 1
        while lead >= 0 && lead >= n - 4 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0, lead >= n - 4 else { return n }
        let b0 = bytes[lead]
        let needed: Int
        switch b0 {
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return n  // ASCII, or a byte that never starts a character
        }
        let have = n - lead
        if have >= needed { return n }
        // Unicode's table of well-formed sequences: the second byte's range depends on the first.
        if have >= 2 {
            let b1 = bytes[lead + 1]
            let ok: Bool
            switch b0 {
            case 0xE0: ok = (0xA0...0xBF).contains(b1)
            case 0xED: ok = (0x80...0x9F).contains(b1)
            case 0xF0: ok = (0x90...0xBF).contains(b1)
            case 0xF4: ok = (0x80...0x8F).contains(b1)
            default: ok = (0x80...0xBF).contains(b1)
            }
            if !ok { return n }
        }
        return lead
    }
}
