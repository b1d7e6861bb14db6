import Foundation
import Testing
import LCTokenizer

/// Properties of the default model's tokenizer that other layers rely on.
@Suite struct RealModelTokenizerTests {
    @Test func vocabularyAndSpecialTokens() throws {
        let t = try TokenizerTestSupport.realTokenizer.get()
        #expect(t.vocabSize == 49152)
        #expect(t.preTokenizer == .smollm)
        #expect(t.addBOS == false)
        #expect(t.bosId == 1)
        #expect(t.eosId == 2)
        #expect(t.id(of: "<|im_start|>") == 1)
        #expect(t.id(of: "<|im_end|>") == 2)
        #expect(t.id(of: "Ġthe") != nil)
        #expect(t.id(of: "no such token here") == nil)
        // llama.cpp's end-of-generation set for this model: <|endoftext|>, <|im_end|> and <reponame>
        // (which its FIM-repo rule picks up).
        #expect(t.endOfGenerationIds == [0, 2, 4])
        #expect(t.isControl(1) && !t.isControl(17))
    }

    @Test func chatTemplateTokens() throws {
        let t = try TokenizerTestSupport.realTokenizer.get()
        let ids = t.encode("<|im_start|>user\nhi<|im_end|>\n")
        #expect(ids == [1, 4093, 198, 6004, 2, 198])
        #expect(t.decode(ids) == "<|im_start|>user\nhi<|im_end|>\n")
        #expect(t.encode("<|im_start|>", parseSpecial: false).count > 1)
    }

    @Test func bytesWithoutATokenAreDroppedLikeLlamaCpp() throws {
        // SmolLM2's vocabulary has no token for byte 0x04; llama.cpp leaves it out of the ids.
        let t = try TokenizerTestSupport.realTokenizer.get()
        #expect(t.encode("a\u{04}b") == [81, 82])
        #expect(t.encode("\u{04}").isEmpty)
    }

    @Test func piecesAreBytes() throws {
        let t = try TokenizerTestSupport.realTokenizer.get()
        let space = try #require(t.id(of: "Ġ"))
        #expect(t.piece(space) == [0x20])
        #expect(t.piece(1) == Array("<|im_start|>".utf8))
        #expect(t.piece(-1).isEmpty)
        #expect(t.piece(TokenID(t.vocabSize)).isEmpty)
        #expect(t.decode([-5, 99_999_999]) == "")
    }

    @Test func concurrentEncodesAgreeWithSerialOnes() async throws {
        let t = try TokenizerTestSupport.realTokenizer.get()
        let texts = (0..<16).map { "message \($0): I can't sleep 😢 — <|im_start|>user\n\($0 * 12345)<|im_end|>" }
        let serial = texts.map { t.encode($0) }
        let parallel = await withTaskGroup(of: (Int, [TokenID]).self) { group in
            for (i, text) in texts.enumerated() {
                group.addTask {
                    var ids: [TokenID] = []
                    for _ in 0..<50 { ids = t.encode(text) }
                    return (i, ids)
                }
            }
            var out = [[TokenID]](repeating: [], count: texts.count)
            for await (i, ids) in group { out[i] = ids }
            return out
        }
        #expect(parallel == serial)
    }
}
