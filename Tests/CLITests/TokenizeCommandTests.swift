import Foundation
import Testing

/// `localcounsel tokenize` end to end: llama.cpp's ids as one JSON line, stdin taken exactly as given,
/// invalid UTF-8 refused with one line and exit 1.
@Suite struct TokenizeCommandTests {
    static func ids(_ r: CLI.Result) -> [Int]? {
        try? JSONDecoder().decode([Int].self, from: r.stdout)
    }

    @Test func printsLlamaCppIdsOnOneLine() throws {
        // Ids from llama.cpp (Tests/LCTokenizerTests/Fixtures/tokenizer-parity.json).
        let r = try CLI.run(["tokenize", "--model", CLI.modelPath], stdin: Data("<|im_start|>user\nhi<|im_end|>\n".utf8))
        #expect(r.exited(0), "\(r)")
        #expect(r.stdoutText == "[1,4093,198,6004,2,198]\n")
        #expect(r.stderrLines.isEmpty)
        let plain = try CLI.run(["tokenize", "--model", CLI.modelPath, "--no-special"], stdin: Data("<|im_end|>".utf8))
        #expect(plain.exited(0))
        #expect(Self.ids(plain) == [44, 108, 306, 79, 486, 108, 46])
    }

    @Test func stdinIsTakenExactly() throws {
        let bare = try CLI.run(["tokenize", "--model", CLI.modelPath], stdin: Data("Hello world".utf8))
        let newline = try CLI.run(["tokenize", "--model", CLI.modelPath], stdin: Data("Hello world\n".utf8))
        #expect(Self.ids(bare) == [19556, 905])
        #expect(Self.ids(newline) == [19556, 905, 198])
        let empty = try CLI.run(["tokenize", "--model", CLI.modelPath], stdin: Data())
        #expect(empty.exited(0))
        #expect(empty.stdoutText == "[]\n")
    }

    @Test func invalidUTF8IsOneLineErrorExit1() throws {
        for bytes: [UInt8] in [[0xFF], [0x61, 0xC3], [0xED, 0xA0, 0x80], [0xE2, 0x82, 0x41]] {
            let r = try CLI.run(["tokenize", "--model", CLI.modelPath], stdin: Data(bytes))
            #expect(r.exited(1), "\(r)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderrText.contains("UTF-8"))
        }
    }
}
