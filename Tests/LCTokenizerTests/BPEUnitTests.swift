import Testing
@testable import LCTokenizer
import LCTestSupport

/// BPE rules and input validation on small hand-made vocabularies.
@Suite struct BPEUnitTests {
    /// The 256 byte-level characters (ids 0...255 in byte order) plus `extra` tokens.
    static func vocab(_ extra: [String]) -> [String] {
        (0..<256).map { b -> String in
            String(Character(Unicode.Scalar(ByteLevel.codepointForByte[b])!))
        } + extra
    }

    static func make(_ extra: [String], merges: [String], types: [Int] = [], pre: PreTokenizerKind = .gpt2,
                     bos: TokenID? = nil, eos: TokenID? = nil, addBOS: Bool = false) throws -> BPETokenizer {
        try BPETokenizer(tokens: vocab(extra), tokenTypes: types, merges: merges, bosId: bos, eosId: eos,
                         addBOS: addBOS, preTokenizer: pre)
    }

    @Test func lowestRankMergesFirst() throws {
        // ids: ab 256, bc 257, abc 258
        let t1 = try Self.make(["ab", "bc", "abc"], merges: ["a b", "b c", "ab c"])
        #expect(t1.encode("abc") == [258])
        let t2 = try Self.make(["ab", "bc", "abc"], merges: ["b c", "a b", "ab c"])
        let a = try #require(t2.id(of: "a"))
        #expect(t2.encode("abc") == [a, 257])
    }

    @Test func leftmostWinsAmongEqualRanks() throws {
        let t = try Self.make(["aa"], merges: ["a a"])
        let a = try #require(t.id(of: "a"))
        #expect(t.encode("aaa") == [256, a])
        #expect(t.encode("aaaa") == [256, 256])
        #expect(t.decode(t.encode("aaaaa")) == "aaaaa")
    }

    @Test func wordsNeverMergeAcrossPreTokenizerBoundaries() throws {
        // "a b" would merge "a" with "Ġ" if the split allowed it.
        let t = try Self.make(["aĠ", "Ġb"], merges: ["a Ġ", "Ġ b"])
        let a = try #require(t.id(of: "a"))
        #expect(t.encode("a b") == [a, 257])
    }

    @Test func specialTokensLongestFirstAndModes() throws {
        // types: bytes normal; <x> control; <xy> control; @u user-defined
        let extra = ["<x>", "<x><y>", "@u"]
        let types = [Int](repeating: 1, count: 256) + [3, 3, 4]
        let t = try Self.make(extra, merges: [], types: types)
        #expect(t.encode("<x><y>") == [257])
        #expect(t.encode("a<x>b").count == 3)
        #expect(t.encode("a<x>b").contains(256))
        #expect(!t.encode("a<x>b", parseSpecial: false).contains(256))
        // User-defined tokens are cut out even without special parsing (llama.cpp, like HF).
        #expect(t.encode("z@u", parseSpecial: false).last == 258)
        #expect(t.decode(t.encode("q<x><y>r<x>")) == "q<x><y>r<x>")
    }

    @Test func endOfGenerationFollowsLlamaCppTextRules() throws {
        let extra = ["<|im_end|>", "<|endoftext|>", "<fim_pad>", "hello"]
        let types = [Int](repeating: 1, count: 256) + [1, 3, 1, 1]
        let t = try Self.make(extra, merges: [], types: types, eos: 257)
        #expect(t.endOfGenerationIds == [256, 257, 258])
        #expect(t.eotId == 256)
        // Forced to control type, so it is parsed as one token and skipped without special parsing.
        #expect(t.isControl(256))
        #expect(t.encode("<|im_end|>") == [256])
        #expect(t.encode("<|im_end|>", parseSpecial: false).count == 10)
    }

    @Test func bosIsAddedOnlyWhenAsked() throws {
        let t = try Self.make(["<s>"], merges: [], types: [Int](repeating: 1, count: 256) + [3], bos: 256, addBOS: true)
        #expect(t.encode("x").first == 256)
        #expect(t.encode("") == [256])
        let u = try Self.make(["<s>"], merges: [], bos: 256, addBOS: false)
        #expect(u.encode("").isEmpty)
    }

    @Test func badVocabulariesAreTypedErrors() {
        #expect(throws: TokenizerError.emptyVocabulary) {
            try BPETokenizer(tokens: [], tokenTypes: [], merges: [], bosId: nil, eosId: nil, addBOS: false,
                             preTokenizer: .gpt2)
        }
        #expect(throws: TokenizerError.duplicateToken(text: "a", firstId: 97, secondId: 256)) {
            try Self.make(["a"], merges: [])
        }
        #expect(throws: TokenizerError.malformedMerge(rank: 0, merge: "ab")) { try Self.make(["ab"], merges: ["ab"]) }
        #expect(throws: TokenizerError.mergeNamesUnknownToken(rank: 1, token: "zz")) {
            try Self.make(["ab"], merges: ["a b", "zz b"])
        }
        #expect(throws: TokenizerError.mergeResultNotInVocabulary(rank: 0, result: "ab")) {
            try Self.make([], merges: ["a b"])
        }
        #expect(throws: TokenizerError.tokenTypeCountMismatch(tokens: 256, types: 3)) {
            try Self.make([], merges: [], types: [1, 1, 1])
        }
        #expect(throws: TokenizerError.specialTokenOutOfRange(name: "EOS", id: 999, vocabularySize: 256)) {
            try Self.make([], merges: [], eos: 999)
        }
        #expect(throws: TokenizerError.addBOSWithoutBOSToken) { try Self.make([], merges: [], addBOS: true) }
        #expect(throws: TokenizerError.unsupportedPreTokenizer("qwen2")) { try PreTokenizerKind(ggufName: "qwen2") }
        #expect(TokenizerError.unsupportedPreTokenizer("x").errorDescription?.contains("x") == true)
    }

    @Test func preTokenizerNames() throws {
        #expect(try PreTokenizerKind(ggufName: "smollm") == .smollm)
        #expect(try PreTokenizerKind(ggufName: "starcoder") == .smollm)
        #expect(try PreTokenizerKind(ggufName: "gpt-2") == .gpt2)
        #expect(try PreTokenizerKind(ggufName: "llama-bpe") == .llama3)
        #expect(try PreTokenizerKind(ggufName: "") == .default)
        #expect(throws: TokenizerError.self) { try PreTokenizerKind(ggufName: "gpt2") }
    }
}

/// The two merge paths (scan for short words, heap for long ones) are twins: same tokens for every word.
@Suite struct MergePathTwinTests {
    @Test func shortAndHeapPathsAgree() throws {
        let t = try TokenizerTestSupport.realTokenizer.get()
        var rng = SplitMix64(seed: 99)
        let alphabet = Array("etaoinshrdlucmfwypvbgkqjxzETAOIN 0123456789.,'-éü中😀".utf8)
        var scratch = EncodeScratch()
        var checked = 0
        for round in 0..<20_000 {
            let length = Int.random(in: 2...BPETokenizer.shortWordLimit, using: &rng)
            let word: [UInt8] = (0..<length).map { _ in
                round % 4 == 0 ? UInt8.random(in: 0...255, using: &rng) : alphabet.randomElement(using: &rng)!
            }
            var viaScan: [TokenID] = []
            var viaHeap: [TokenID] = []
            word.withUnsafeBufferPointer { w in
                t.mergeShortWord(w, &viaScan)
                t.mergeLongWord(w, &viaHeap, &scratch)
            }
            #expect(viaScan == viaHeap, "\(word)")
            checked += 1
        }
        #expect(checked == 20_000)
    }
}
