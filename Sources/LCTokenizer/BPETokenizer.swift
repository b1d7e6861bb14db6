/// A token id, as llama.cpp's `llama_token`.
public typealias TokenID = Int32

/// Byte-level BPE (GPT-2 style) that gives the same ids as llama.cpp for the same vocabulary.
///
/// Built from plain arrays (GGUF's `tokenizer.ggml.*` values; `LCGeneration.TokenizerLoader` reads them).
/// Encoding is llama.cpp's pipeline: special tokens are cut out of the text first (longest text first),
/// each remaining fragment is split into words by the pre-tokenizer, and each word is merged by rank.
/// Immutable after init; safe to share between tasks.
public final class BPETokenizer: Sendable {
    /// Beginning-of-sequence token, if the vocabulary has one.
    public let bosId: TokenID?
    /// End-of-sequence token, if the vocabulary has one.
    public let eosId: TokenID?
    /// End-of-turn token: given, or found by text the way llama.cpp finds it (`<|im_end|>`, ...).
    public let eotId: TokenID?
    /// Whether `encode` starts every sequence with `bosId`.
    public let addBOS: Bool
    /// The pre-tokenizer this tokenizer splits words with.
    public let preTokenizer: PreTokenizerKind

    let attributes: [TokenAttributes]      // (vocab)
    let textTable: ByteStringTable         // token text (UTF-8) -> id
    let rawWordTable: ByteStringTable?     // decoded bytes -> id; only when merges may be skipped
    let merges: MergeTable                 // (left, right) -> rank << 32 | result
    let byteTokens: [TokenID]              // (256) token of each single byte, or `absentByte`
    /// Marks a byte without a token: it never merges and is left out of the output, as in llama.cpp.
    static let absentByte = TokenID.min
    let specialOrder: [TokenID]            // special tokens in the order text is cut at them
    let specialTexts: [[UInt8]]            // (specialOrder.count) their texts
    let pieceBytes: [UInt8]                // concatenated decoded pieces
    let pieceStart: [Int32]                // (vocab + 1) offsets into pieceBytes
    let splitter: WordSplitter
    private let eogIds: Set<TokenID>

    /// Builds the tokenizer; throws `TokenizerError` for an inconsistent vocabulary.
    /// - Parameters:
    ///   - tokens: token texts in byte-level form (`Ġ` for a space), id = index.
    ///   - tokenTypes: GGUF token types (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte),
    ///     one per token; empty means all normal.
    ///   - merges: `"left right"` pairs, highest priority first.
    ///   - bosId: beginning-of-sequence token; `eosId`: end-of-sequence token; `eotId`: end-of-turn token
    ///     (nil: found by text as llama.cpp does).
    ///   - addBOS: whether `encode` prepends `bosId`.
    ///   - preTokenizer: the word split (GGUF `tokenizer.ggml.pre`).
    public init(tokens: [String], tokenTypes: [Int], merges: [String], bosId: TokenID?, eosId: TokenID?,
                eotId: TokenID? = nil, addBOS: Bool, preTokenizer: PreTokenizerKind) throws {
        let n = tokens.count
        guard n > 0 else { throw TokenizerError.emptyVocabulary }
        guard n < Int(Int32.max) else { throw TokenizerError.vocabularyTooLarge(n) }
        guard tokenTypes.isEmpty || tokenTypes.count >= n else {
            throw TokenizerError.tokenTypeCountMismatch(tokens: n, types: tokenTypes.count)
        }
        for (name, id) in [("BOS", bosId), ("EOS", eosId), ("EOT", eotId)] {
            if let id, id < 0 || Int(id) >= n {
                throw TokenizerError.specialTokenOutOfRange(name: name, id: Int(id), vocabularySize: n)
            }
        }
        if addBOS && bosId == nil { throw TokenizerError.addBOSWithoutBOSToken }

        // Token texts, concatenated; llama.cpp renames an empty token rather than refusing the vocabulary.
        var arena: [UInt8] = []          // all token texts
        var starts: [Int] = [0]          // (n + 1) offsets into arena
        arena.reserveCapacity(n * 8)
        starts.reserveCapacity(n + 1)
        for i in 0..<n {
            let before = arena.count
            arena.append(contentsOf: tokens[i].utf8)
            if arena.count == before { arena.append(contentsOf: "[EMPTY_\(i)]".utf8) }
            starts.append(arena.count)
        }
        var table = ByteStringTable(expectedCount: n)
        try arena.withUnsafeBufferPointer { a in
            for i in 0..<n {
                if let first = table.insert(UnsafeBufferPointer(rebasing: a[starts[i]..<starts[i + 1]]), value: Int32(i)) {
                    throw TokenizerError.duplicateToken(text: tokens[i], firstId: Int(first), secondId: i)
                }
            }
        }
        func textLength(_ i: Int) -> Int { starts[i + 1] - starts[i] }

        // Some vocabularies lack a few bytes (SmolLM2 has no token for 0x04, 0xF1, ...); llama.cpp then
        // drops such a byte from the output, so it is marked here rather than refused.
        var byteTokens = [TokenID](repeating: Self.absentByte, count: 256)
        for b in 0..<256 {
            var utf8: [UInt8] = []
            ByteLevel.appendUTF8(ByteLevel.codepointForByte[b], to: &utf8)
            if let id = table.value(for: utf8) { byteTokens[b] = id }
        }

        var mergeTable = MergeTable(expectedCount: merges.count)
        var joined: [UInt8] = []
        for rank in 0..<merges.count {
            var line = merges[rank]
            try line.withUTF8 { m in
                // llama.cpp splits at the first space after the first byte.
                guard m.count >= 3, let space = m[1...].firstIndex(of: 0x20) else {
                    throw TokenizerError.malformedMerge(rank: rank, merge: merges[rank])
                }
                let left = UnsafeBufferPointer(rebasing: m[..<space])
                let right = UnsafeBufferPointer(rebasing: m[(space + 1)...])
                guard let l = table.value(for: left) else {
                    throw TokenizerError.mergeNamesUnknownToken(rank: rank, token: String(decoding: left, as: UTF8.self))
                }
                guard let r = table.value(for: right) else {
                    throw TokenizerError.mergeNamesUnknownToken(rank: rank, token: String(decoding: right, as: UTF8.self))
                }
                joined.removeAll(keepingCapacity: true)
                joined.append(contentsOf: left)
                joined.append(contentsOf: right)
                guard let result = table.value(for: joined) else {
                    throw TokenizerError.mergeResultNotInVocabulary(
                        rank: rank, result: String(decoding: joined, as: UTF8.self))
                }
                mergeTable.insertIfAbsent(left: l, right: r, rank: Int32(rank), result: result)
            }
        }

        var attrs = [TokenAttributes](repeating: .normal, count: n)
        if !tokenTypes.isEmpty {
            for i in 0..<n { attrs[i] = TokenAttributes(ggufTokenType: tokenTypes[i]) }
        }
        let eog = SpecialTokenRules.apply(attributes: &attrs, eosId: eosId, eotId: eotId) {
            table.value(for: Array($0.utf8))
        }
        var resolvedEOT = eotId
        for name in SpecialTokenRules.eotNames where resolvedEOT == nil {
            resolvedEOT = table.value(for: Array(name.utf8))
        }

        // llama.cpp sorts by length only (unstable); ties go by id here.
        let special: [Int] = (0..<n).filter { attrs[$0].isSpecial }.sorted { (a: Int, b: Int) -> Bool in
            let la = textLength(a), lb = textLength(b)
            return la != lb ? la > lb : a < b
        }

        var pieceBytes: [UInt8] = []
        var pieceStart: [Int32] = [0]
        pieceBytes.reserveCapacity(arena.count)
        pieceStart.reserveCapacity(n + 1)
        var raw: ByteStringTable? = preTokenizer.ignoresMerges ? ByteStringTable(expectedCount: n) : nil
        var decoded: [UInt8] = []
        arena.withUnsafeBufferPointer { a in
            for i in 0..<n {
                let text = UnsafeBufferPointer(rebasing: a[starts[i]..<starts[i + 1]])
                Self.appendPiece(text: text, attributes: attrs[i], to: &pieceBytes)
                pieceStart.append(Int32(pieceBytes.count))
                if raw != nil, Self.byteLevelDecode(text, into: &decoded) { raw?.insert(decoded, value: Int32(i)) }
            }
        }

        self.bosId = bosId
        self.eosId = eosId
        self.eotId = resolvedEOT
        self.addBOS = addBOS
        self.preTokenizer = preTokenizer
        self.attributes = attrs
        self.textTable = table
        self.rawWordTable = raw
        self.merges = mergeTable
        self.byteTokens = byteTokens
        self.specialOrder = special.map { TokenID($0) }
        self.specialTexts = special.map { Array(arena[starts[$0]..<starts[$0 + 1]]) }
        self.pieceBytes = pieceBytes
        self.pieceStart = pieceStart
        self.splitter = WordSplitter(kind: preTokenizer)
        self.eogIds = eog
    }

    /// Number of tokens in the vocabulary.
    public var vocabSize: Int { attributes.count }

    /// Tokens after which llama.cpp stops generating: EOS, EOT and texts such as `<|im_end|>` and
    /// `<|endoftext|>` (llama.cpp's `special_eog_ids`).
    public var endOfGenerationIds: Set<TokenID> { eogIds }

    /// The id of the token whose text is exactly `token` (byte-level form, e.g. `"Ġthe"` or `"<|im_end|>"`).
    public func id(of token: String) -> TokenID? {
        textTable.value(for: Array(token.utf8))
    }

    /// Whether `id` is a control token (such as `<|im_start|>`), which chat text does not show.
    public func isControl(_ id: TokenID) -> Bool {
        id >= 0 && Int(id) < attributes.count && attributes[Int(id)].contains(.control)
    }

    /// The bytes a token stands for (special tokens as their text); empty for an unknown id.
    public func piece(_ id: TokenID) -> [UInt8] {
        guard id >= 0, Int(id) < attributes.count else { return [] }
        return Array(pieceBytes[Int(pieceStart[Int(id)])..<Int(pieceStart[Int(id) + 1])])
    }

    /// Appends a token's bytes to `out` without allocating a separate array.
    func appendPiece(_ id: TokenID, to out: inout [UInt8]) {
        guard id >= 0, Int(id) < attributes.count else { return }
        out.append(contentsOf: pieceBytes[Int(pieceStart[Int(id)])..<Int(pieceStart[Int(id) + 1])])
    }

    /// The text of a token sequence; bytes that are not valid UTF-8 become U+FFFD; unknown ids are skipped.
    /// Special tokens appear as their text, so `decode(encode(x)) == x`.
    public func decode(_ ids: [TokenID]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids { appendPiece(id, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Pieces (llama.cpp's token_to_piece with special = true)

    private static func appendPiece(text: UnsafeBufferPointer<UInt8>, attributes: TokenAttributes,
                                    to out: inout [UInt8]) {
        if !attributes.intersection([.unknown, .control, .userDefined]).isEmpty {
            out.append(contentsOf: text)
        } else if attributes.contains(.normal) {
            var i = 0
            while i < text.count {
                let (cp, len) = decodeScalar(text, i, text.count)
                if let b = ByteLevel.byte(for: cp) {
                    out.append(b)
                } else {
                    // What llama.cpp writes for a character outside the byte alphabet.
                    out.append(contentsOf: "[UNK_BYTE_0x".utf8)
                    for b in text[i..<(i + len)] { out.append(contentsOf: hex2(b).utf8) }
                    out.append(contentsOf: text)
                    out.append(UInt8(ascii: "]"))
                }
                i += len
            }
        } else if attributes.contains(.byte) {
            out.append(byteOfByteToken(text))
        }
    }

    private static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
    }

    /// llama.cpp reads a byte token `<0xAB>` with strtol on its characters 3 and 4.
    private static func byteOfByteToken(_ text: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var value: UInt8 = 0
        for c in text.dropFirst(3).prefix(2) {
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: return value
            }
            value = value &* 16 &+ digit
        }
        return value
    }

    /// Writes the bytes a byte-level text stands for into `out`; false when it has a character outside
    /// the alphabet.
    private static func byteLevelDecode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        var i = 0
        while i < text.count {
            let (cp, len) = decodeScalar(text, i, text.count)
            guard let b = ByteLevel.byte(for: cp) else { return false }
            out.append(b)
            i += len
        }
        return true
    }
}
