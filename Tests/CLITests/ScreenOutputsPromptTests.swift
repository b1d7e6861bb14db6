import Foundation
import Testing

/// `localcounsel screen --outputs` reads an optional `"prompt"` (the user's message a reply answers) and judges the
/// reply as a chat session does; a bad `prompt` is an error line naming the field, and no text is echoed.
@Suite struct ScreenOutputsPromptTests {
    @Test func aReplyIsJudgedAsTheAnswerToItsPrompt() throws {
        let m = PrivacyHarness.marker("prm")
        let input = """
            {"id":"a","text":"No, that's not a problem.","prompt":"I drink every night to cope \(m). Is that a problem?"}
            {"id":"b","text":"No, that's not a problem."}
            {"id":"c","text":"No, that's not a problem.","prompt":null}
            {"id":"d","text":"No, that's not a problem.","prompt":["\(m)"]}

            """
        let r = try CLI.run(["screen", "--outputs"], stdin: Data(input.utf8))
        #expect(r.exited(0), "\(r)")
        let lines = r.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(r)")
        guard lines.count == 4 else { return }
        #expect(lines[0] == #"{"id":"a","verdict":"block","category":"encourages_harm","reason":"prompt.approve_harmful_plan"}"#)
        #expect(lines[1] == #"{"id":"b","verdict":"allow","category":null,"reason":"ok"}"#)
        #expect(lines[2] == #"{"id":"c","verdict":"allow","category":null,"reason":"ok"}"#)
        #expect(lines[3] == #"{"id":"d","error":"non-string \"prompt\""}"#)
        #expect(!r.stdoutText.contains(m) && !r.stderrText.contains(m), "the prompt was echoed")
    }
}
