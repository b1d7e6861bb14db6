import Foundation
import Testing

/// Issue 7 item 2 (second half): logs, errors and files never contain message text. Each run carries a unique
/// marker in its messages — ordinary, crisis and error-provoking ones — and the marker must not appear on
/// stderr or in any file written under the run's own HOME, TMPDIR and working directory.
@Suite struct PrivacyLogTests {
    typealias Sandbox = PrivacyTranscriptCLITests.Sandbox

    /// Runs the CLI in a fresh sandbox and checks stderr and every file it wrote for `marker`.
    static func expectNoLeak(_ arguments: [String], stdin: Data, marker: String, timeout: TimeInterval = 300,
                             sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
        let box = try Sandbox()
        defer { box.remove() }
        let r = try CLI.run(arguments, stdin: stdin, environment: box.environment, currentDirectory: box.work,
                            timeout: timeout)
        #expect(!r.signaled && !r.timedOut, "crashed or hung: \(r)", sourceLocation: sourceLocation)
        #expect(!r.stderrText.contains(marker), "message text on stderr: \(r.stderrText.prefix(500))",
                sourceLocation: sourceLocation)
        for (path, data) in box.contents() {
            #expect(data.range(of: Data(marker.utf8)) == nil, "message text written to \(path)",
                    sourceLocation: sourceLocation)
        }
        return r
    }

    @Test func screenNeverEchoesMessageText() throws {
        let m = PrivacyHarness.marker("scr")
        let input = """
            {"id":1,"text":"I want to kill myself \(m)"}
            {"id":2,"text":"a normal day \(m)"}
            {"id":3,"text": not json \(m)}
            {"id":4,"text":"\(m)
            not even an object \(m)

            """
        let r = try Self.expectNoLeak(["screen"], stdin: Data(input.utf8), marker: m)
        #expect(r.exited(0), "\(r)")
        #expect(r.stdoutText.split(separator: "\n").count == 5, "one verdict or error line per input: \(r)")
        #expect(!r.stdoutText.contains(m), "screen output echoes message text")
    }

    @Test(.enabled(if: PrivacyHarness.has("tokenize"), "tokenize has not landed in this build"))
    func tokenizeErrorsDoNotEchoInput() throws {
        try #require(PrivacyHarness.modelPresent)
        let m = PrivacyHarness.marker("tok")
        var bad = Data("before \(m) ".utf8)
        bad.append(contentsOf: [0xC3, 0x28, 0xFF])  // invalid UTF-8
        bad.append(Data(" after \(m)".utf8))
        let r = try Self.expectNoLeak(["tokenize", "--model", CLI.modelPath], stdin: bad, marker: m)
        #expect(r.exited(1), "invalid UTF-8 should be a runtime error: \(r)")
        #expect(r.stderrLines.count == 1)
    }

    @Test(.enabled(if: PrivacyHarness.has("generate"), "generate has not landed in this build"))
    func generateErrorsNameTheOptionNotThePrompt() throws {
        let m = PrivacyHarness.marker("gen")
        let r = try Self.expectNoLeak(["generate", "--model", CLI.modelPath, "--prompt", "my secret \(m)", "--temp", "-3"],
                                      stdin: Data(), marker: m)
        #expect(r.exited(2), "\(r)")
        #expect(r.stderrText.contains("--temp"), "the error should name the option: \(r)")
    }

    @Test(.enabled(if: PrivacyHarness.has("chat"), "chat has not landed in this build"))
    func chatKeepsMessageTextOutOfLogsAndFiles() throws {
        try #require(PrivacyHarness.modelPresent)
        let m = PrivacyHarness.marker("chat")
        var input = PrivacyHarness.chatInput(marker: m)
        // Error-provoking turns: a message far longer than the context, an overdose in progress, an unknown command.
        input.append(Data((String(repeating: "please remember \(m) ", count: 400) + "\n").utf8))
        input.append(Data("I took all my pills an hour ago \(m)\n/frobnicate \(m)\nthanks \(m)\n".utf8))
        let r = try Self.expectNoLeak(["chat", "--model", CLI.modelPath, "--ctx", "256", "--max-tokens", "6", "--seed", "1"],
                                      stdin: input, marker: m)
        #expect(r.exited(0), "the chat should survive bad turns and exit 0 at end of input: \(r)")
    }

    @Test(.enabled(if: PrivacyHarness.has("chat"), "chat has not landed in this build"))
    func chatInvalidUTF8ErrorDoesNotEchoTheLine() throws {
        try #require(PrivacyHarness.modelPresent)
        let m = PrivacyHarness.marker("utf")
        var input = Data("hello \(m)\nbroken \(m) ".utf8)
        input.append(contentsOf: [0xFF, 0xFE, 0xC0, 0x0A])
        // Documented: a piped line that is not UTF-8 ends the chat with exit 1 and a one-line error.
        let r = try Self.expectNoLeak(["chat", "--model", CLI.modelPath, "--max-tokens", "4", "--seed", "1"],
                                      stdin: input, marker: m)
        #expect(r.exited(1), "\(r)")
        #expect(r.stderrText.contains("UTF-8"), "\(r)")
    }

    @Test(.enabled(if: PrivacyHarness.has("chat"), "chat has not landed in this build"))
    func chatOptionErrorsNameTheOptionNotMessages() throws {
        let m = PrivacyHarness.marker("opt")
        let r = try Self.expectNoLeak(["chat", "--model", CLI.modelPath, "--temp", "-1"],
                                      stdin: Data("hello \(m)\n".utf8), marker: m)
        #expect(r.exited(2), "\(r)")
        #expect(r.stderrText.contains("--temp"), "\(r)")
    }
}
