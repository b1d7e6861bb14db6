import Foundation
import Testing
import LCTokenizer
import LocalCounsel

/// Our ids must equal llama.cpp's (via llama-cpp-python, Scripts/make-tokenizer-fixture.py) on every
/// committed string, with and without special-token parsing.
@Suite struct ParityTests {
    @Test func fixtureHasEnoughVariedStrings() throws {
        let file = try TokenizerTestSupport.loadParityFile(TokenizerTestSupport.fixtureURL)
        #expect(file.cases.count >= 150)
        #expect(file.cases.contains { $0.text.utf8.count > 4000 })
        #expect(file.cases.contains { $0.special != $0.plain }, "special-token strings must be covered")
    }

    @Test func everyFixtureStringMatchesLlamaCpp() throws {
        let tokenizer = try TokenizerTestSupport.realTokenizer.get()
        let file = try TokenizerTestSupport.loadParityFile(TokenizerTestSupport.fixtureURL)
        var mismatches = 0
        for c in file.cases {
            let special = tokenizer.encode(c.text, parseSpecial: true)
            let plain = tokenizer.encode(c.text, parseSpecial: false)
            if special != c.special || plain != c.plain { mismatches += 1 }
            #expect(special == c.special, "special=true: \(c.text.debugDescription)")
            #expect(plain == c.plain, "special=false: \(c.text.debugDescription)")
        }
        #expect(mismatches == 0)
    }

    @Test func tokenPiecesMatchLlamaCpp() throws {
        let tokenizer = try TokenizerTestSupport.realTokenizer.get()
        let pieces = try #require(try TokenizerTestSupport.loadParityFile(TokenizerTestSupport.fixtureURL).pieces)
        #expect(pieces.count > 800)
        for p in pieces {
            #expect(tokenizer.piece(p.id) == p.bytes, "piece of id \(p.id)")
        }
    }

    /// The large random differential check (Scripts/fuzz-tokenizer writes the corpus from llama.cpp and
    /// runs this test with LOCALCOUNSEL_TOKENIZER_CORPUS set). Without the variable it is skipped, and
    /// reported as skipped.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LOCALCOUNSEL_TOKENIZER_CORPUS"] != nil))
    func randomCorpusMatchesLlamaCpp() throws {
        let path = try #require(ProcessInfo.processInfo.environment["LOCALCOUNSEL_TOKENIZER_CORPUS"])
        let file = try TokenizerTestSupport.loadParityFile(URL(fileURLWithPath: path))
        let tokenizer = try file.modelPath.map { try TokenizerLoader.load(from: GGUFFile(path: $0)) }
            ?? TokenizerTestSupport.realTokenizer.get()
        var mismatches: [String] = []
        for c in file.cases {
            if tokenizer.encode(c.text, parseSpecial: true) != c.special
                || tokenizer.encode(c.text, parseSpecial: false) != c.plain {
                mismatches.append(c.text)
            }
        }
        let badPieces = (file.pieces ?? []).filter { tokenizer.piece($0.id) != $0.bytes }.map(\.id)
        let variant = file.variant ?? "smollm"
        print("tokenizer differential (\(variant)): \(file.cases.count) strings, \(mismatches.count) disagreements; "
              + "\(file.pieces?.count ?? 0) pieces, \(badPieces.count) differ; end-of-generation "
              + (file.eog.map { Set($0) == tokenizer.endOfGenerationIds ? "same" : "DIFFERS" } ?? "not recorded"))
        for m in mismatches.prefix(20) { print("  disagrees: \(m.debugDescription)") }
        #expect(mismatches.isEmpty)
        #expect(badPieces.isEmpty, "pieces differ for ids \(badPieces.prefix(20))")
        if let eog = file.eog { #expect(Set(eog) == tokenizer.endOfGenerationIds) }
    }
}
