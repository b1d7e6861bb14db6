import ArgumentParser
import Foundation
import LocalCounsel

/// `localcounsel screen`: screens JSON Lines from stdin, one verdict line per input line. Needs no model file.
///
/// Input lines are `{"id": …, "text": …}`; output lines are `{"id": …, "verdict": "crisis"|"ok", "category": …|null,
/// "reason": …}` plus `language`, `needs_clarification` and `in_progress`. A line that is not such an object gets
/// `{"id": …|null, "error": …}` and the run goes on; blank lines are skipped. Message text is never echoed.
/// With `--outputs` a line may also carry `"prompt"`: the user's message the reply answers, judged as a session
/// judges it (a reply that is harmful only as an answer — "No, that's not a problem." to a harmful plan); when a
/// chat would not ask the model at all for that message (it asks for a dose, a diagnosis, whether this is a
/// human, someone's details), the output line adds `"declined": <category>`. A line with a prompt also reports
/// `"prompt_reading"`: the ids of the prompt contexts the filter read the message as (`rules.json`), for a clinic
/// checking why a reply was judged as it was.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Screen JSON Lines messages from stdin for crisis content (no model needed)."
    )

    @Option(name: .long, help: "ISO 3166-1 alpha-2 country code of the users (for the crisis protocol's helplines).")
    var country: String?

    @Option(name: .long, help: "A policy folder to use instead of the shipped one (a clinic's edited copy).")
    var policy: String?

    @Flag(name: .long, help: "Judge model replies with the output filter instead: verdict \"block\" or \"allow\".")
    var outputs = false

    @Flag(name: .long, help: "With --outputs: judge replies as in a session that is already crisis-aware.")
    var crisisContext = false

    func validate() throws {
        if crisisContext && !outputs { throw ValidationError("--crisis-context goes with --outputs") }
        if let country, country.count != 2 || !country.allSatisfy({ $0.isASCII && $0.isLetter }) {
            throw ValidationError("--country must be a two-letter ISO 3166-1 code, e.g. US, ES, IN")
        }
    }

    func run() throws {
        // Fail closed: a policy that does not load is a one-line error (exit 1) before any line is reported "ok".
        let directory = policy.map { URL(fileURLWithPath: $0) }
        if outputs {
            let filter = try directory.map { try OutputFilter(policyDirectory: $0) } ?? OutputFilter.bundled()
            let crisisContext = crisisContext
            Self.judgeLines { text, prompt in
                var stream = filter.makeStream(prompt: prompt, crisisContext: crisisContext)
                let verdict = stream.verdict(ofWhole: text)
                var result: [String: Any] = [
                    "verdict": verdict.blocked ? "block" : "allow",
                    "category": verdict.category?.rawValue ?? NSNull(),
                    "reason": verdict.reason,
                ]
                // A chat would not ask the model at all for such a message (see `answer_with` in rules.json).
                if let declined = stream.fixedAnswerCategory {
                    result["declined"] = declined.rawValue
                }
                if prompt != nil { result["prompt_reading"] = stream.promptReading }
                return result
            }
        } else {
            let screen = try directory.map { try CrisisScreen(policyDirectory: $0) } ?? CrisisScreen.bundled()
            Self.judgeLines { text, _ in
                let verdict = screen.screen(text)
                return [
                    "verdict": verdict.isCrisis ? "crisis" : "ok",
                    "category": verdict.category?.rawValue ?? NSNull(),
                    "reason": verdict.reason,
                    "language": verdict.language ?? NSNull(),
                    "needs_clarification": verdict.needsClarification,
                    "in_progress": verdict.inProgress,
                ]
            }
        }
    }

    /// Reads stdin line by line and writes one line per non-blank input line: the input's id with what `judge`
    /// says of its text, or an `error` for a line that is not a `{"id", "text"}` object.
    private static func judgeLines(_ judge: (String, String?) -> [String: Any]) {
        while let line = readLine(strippingNewline: true) {
            if line.allSatisfy(\.isWhitespace) { continue }
            var output: [String: Any]
            switch ScreenInputLine.parse(line) {
            case .failure(let failure):
                output = ["id": failure.id ?? NSNull(), "error": failure.problem]
            case .success(let input):
                output = judge(input.text, input.prompt)
                output["id"] = input.id
            }
            print(ScreenInputLine.encode(output))
        }
    }
}

/// One input line of `localcounsel screen`, parsed without ever putting its text into an error.
struct ScreenInputLine {
    struct Failure: Error {
        let id: Any?
        let problem: String
    }

    let id: Any
    let text: String
    /// With `--outputs`: the user's message the reply answers (optional `"prompt"`), so prompt-aware rules apply.
    let prompt: String?

    static func parse(_ line: String) -> Result<ScreenInputLine, Failure> {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return .failure(Failure(id: nil, problem: "not valid JSON"))
        }
        guard let dictionary = object as? [String: Any] else {
            return .failure(Failure(id: nil, problem: "expected a JSON object with \"id\" and \"text\""))
        }
        let id = dictionary["id"]
        guard let id, !(id is NSNull), !(id is [Any]), !(id is [String: Any]) else {
            return .failure(Failure(id: nil, problem: "missing or non-scalar \"id\""))
        }
        guard let text = dictionary["text"] as? String else {
            return .failure(Failure(id: id, problem: "missing or non-string \"text\""))
        }
        let prompt = dictionary["prompt"]
        if let prompt, !(prompt is NSNull), !(prompt is String) {
            return .failure(Failure(id: id, problem: "non-string \"prompt\""))
        }
        return .success(ScreenInputLine(id: id, text: text, prompt: prompt as? String))
    }

    /// One compact JSON line with keys in a fixed order (id first) so outputs diff cleanly.
    static func encode(_ object: [String: Any]) -> String {
        let order = ["id", "verdict", "category", "reason", "declined", "prompt_reading", "language",
                     "needs_clarification", "in_progress", "error"]
        let parts = order.compactMap { key -> String? in
            guard let value = object[key] else { return nil }
            return "\(json(key)):\(json(value))"
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    private static func json(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let bool = value as? Bool, type(of: value) == Bool.self { return bool ? "true" : "false" }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8) else { return "null" }
        return text
    }
}
