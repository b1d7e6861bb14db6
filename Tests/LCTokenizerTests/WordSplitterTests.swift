import Testing
@testable import LCTokenizer
import LCTestSupport

/// The pre-tokenizer's words on strings whose llama.cpp splits are known.
@Suite struct WordSplitterTests {
    static func words(_ text: String, _ kind: PreTokenizerKind) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let cps = scalars.map(\.value)
        let cls = cps.map { UnicodeClassTable.shared.classOf($0) }
        var ends: [Int] = []
        cps.withUnsafeBufferPointer { c in
            cls.withUnsafeBufferPointer { k in
                WordSplitter(kind: kind).split(cps: c.baseAddress!, cls: k.baseAddress!, count: cps.count, ends: &ends)
            }
        }
        var out: [String] = []
        var start = 0
        for e in ends {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[start..<e])
            out.append(String(s))
            start = e
        }
        return out
    }

    @Test func smollmIsolatesDigits() {
        #expect(Self.words(" 12345 abc", .smollm) == [" ", "1", "2", "3", "4", "5", " abc"])
        #expect(Self.words("a   1", .smollm) == ["a", "   ", "1"])
        #expect(Self.words("x²½", .smollm) == ["x", "²", "½"])
    }

    @Test func gpt2Rules() {
        #expect(Self.words("a   b", .gpt2) == ["a", "  ", " b"])
        #expect(Self.words("I'LL it's", .gpt2) == ["I", "'", "LL", " it", "'s"])
        #expect(Self.words("a 12!! ", .gpt2) == ["a", " 12", "!!", " "])
        #expect(Self.words("hi\n\nyo", .gpt2) == ["hi", "\n", "\n", "yo"])
    }

    @Test func llama3Rules() {
        #expect(Self.words("I'LL 12345", .llama3) == ["I", "'LL", " ", "123", "45"])
        #expect(Self.words("hi\n\n  yo", .llama3) == ["hi", "\n\n", " ", " yo"])
        #expect(Self.words("!!\n\nx", .llama3) == ["!!\n\n", "x"])
    }

    @Test func defaultRules() {
        #expect(Self.words("a+b 1234567", .default) == ["a", "+", "b", " ", "123", "456", "7"])
    }

    @Test func everyCodePointLandsInExactlyOneWord() {
        var rng = SplitMix64(seed: 7)
        for kind in PreTokenizerKind.allCases {
            for _ in 0..<300 {
                var s = String.UnicodeScalarView()
                for _ in 0..<Int.random(in: 0..<40, using: &rng) {
                    var v = UInt32.random(in: 0..<0x3100, using: &rng)
                    if Bool.random(using: &rng) { v = UInt32.random(in: 0x20..<0x7F, using: &rng) }
                    if let u = Unicode.Scalar(v) { s.append(u) }
                }
                let text = String(s)
                let w = Self.words(text, kind)
                #expect(w.joined() == text)
                #expect(!w.contains(""))
            }
        }
    }
}

/// The two-level class table must give every code point the class of its run.
@Suite struct UnicodeClassTableTests {
    @Test func tableAgreesWithRunsOnEveryCodePoint() {
        let runs = unicodeClassRuns
        var run = 0
        var mismatches = 0
        for cp in 0..<0x110000 {
            while run + 1 < runs.count && Int(runs[run + 1] >> 8) <= cp { run += 1 }
            if UnicodeClassTable.shared.classOf(UInt32(cp)) != UInt8(truncatingIfNeeded: runs[run]) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(UnicodeClassTable.shared.classOf(0x110000) == UnicodeClass.undefined)
        #expect(UnicodeClass.isLetter(UnicodeClassTable.shared.classOf(0x61)))
        #expect(UnicodeClass.isNumber(UnicodeClassTable.shared.classOf(0x00BD)))     // ½
        #expect(UnicodeClass.isWhitespace(UnicodeClassTable.shared.classOf(0x3000)))
        #expect(!UnicodeClass.isWhitespace(UnicodeClassTable.shared.classOf(0x200B)))  // zero-width space
    }
}
