import Testing
@testable import LCTokenizer
import LCTestSupport

/// The streaming detokenizer must never emit a broken character, and must add up to `decode`.
@Suite struct StreamingDetokenizerTests {
    @Test func multiByteCharactersSplitAcrossTokensAreHeldBack() throws {
        let t = try BPETokenizer(tokens: BPEUnitTests.vocab([]), tokenTypes: [], merges: [], bosId: nil,
                                 eosId: nil, addBOS: false, preTokenizer: .gpt2)
        // With no merges every byte is its own token, so each multi-byte character spans tokens.
        let text = "héllo 😀 世界 👩🏾‍⚕️!"
        var d = StreamingDetokenizer(tokenizer: t)
        var out = ""
        var emitted: [String] = []
        for id in t.encode(text) {
            let piece = d.feed(id)
            #expect(!piece.unicodeScalars.contains("\u{FFFD}"))
            if !piece.isEmpty { emitted.append(piece) }
            out += piece
        }
        out += d.flush()
        #expect(out == text)
        #expect(emitted.count > 5)
        #expect(!d.hasPendingBytes)
    }

    @Test func realModelStreamEqualsDecode() throws {
        let t = try TokenizerTestSupport.realTokenizer.get()
        let texts = ["I feel 😢 today 🏳️‍🌈", "मुझे आज बहुत अकेलापन", "你好，世界", "ok \u{20000}\u{1F600}x"]
        for text in texts {
            let ids = t.encode(text)
            var d = StreamingDetokenizer(tokenizer: t)
            var out = ""
            for id in ids {
                let piece = d.feed(id)
                #expect(!piece.unicodeScalars.contains("\u{FFFD}"))
                out += piece
            }
            out += d.flush()
            #expect(out == t.decode(ids))
        }
    }

    @Test func invalidBytesBecomeReplacementOnceNotHeldForever() {
        #expect(StreamingDetokenizer.completePrefixLength([0x61, 0xE2, 0x82]) == 1)
        #expect(StreamingDetokenizer.completePrefixLength([0xE2, 0x82, 0xAC]) == 3)
        #expect(StreamingDetokenizer.completePrefixLength([0xE0, 0x80]) == 2)   // overlong: never valid
        #expect(StreamingDetokenizer.completePrefixLength([0xED, 0xA0]) == 2)   // surrogate: never valid
        #expect(StreamingDetokenizer.completePrefixLength([0xF0, 0x9F, 0x98]) == 0)
        #expect(StreamingDetokenizer.completePrefixLength([0x80, 0x80, 0x80, 0x80]) == 4)
        #expect(StreamingDetokenizer.completePrefixLength([0xFF]) == 1)
    }

    @Test func randomByteStreamsAddUpToDecode() throws {
        let t = try BPETokenizer(tokens: BPEUnitTests.vocab([]), tokenTypes: [], merges: [], bosId: nil,
                                 eosId: nil, addBOS: false, preTokenizer: .gpt2)
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let ids = (0..<Int.random(in: 0..<24, using: &rng)).map { _ in TokenID(Int.random(in: 0..<256, using: &rng)) }
            var d = StreamingDetokenizer(tokenizer: t)
            var out = ""
            for id in ids { out += d.feed(id) }
            out += d.flush()
            #expect(out == t.decode(ids))
        }
    }
}
