import Foundation
import Testing
@testable import LCSafety

/// Writes the filter's verdict on every labelled reply as JSON Lines when `LCSAFETY_OUTPUT_DUMP` names a file, so
/// `Scripts/train-output-classifier.py` can report rules, classifier and both together per set. Verdicts carry
/// ids and rule ids only; the labelled texts are already in the fixtures.
@Suite("Output filter verdict dump (for the training script)")
struct OutputVerdictDumpTests {
    static let files = [
        "output-dev.jsonl", "output-model-dev.jsonl", "output-heldout.jsonl", "output-heldout-b.jsonl",
        "output-heldout-c.jsonl", "output-heldout-d.jsonl", "output-heldout-e.jsonl", "output-model-heldout.jsonl",
        "output-model-train.jsonl", "output-model-heldout2.jsonl", "output-model-heldout3.jsonl",
    ]

    @Test("every fixture loads; with LCSAFETY_OUTPUT_DUMP set, each verdict is written")
    func dump() throws {
        let filter = try OutputFilter.bundled()
        var lines: [String] = []
        for file in Self.files {
            let replies = try OutputFixtures.load(file)
            #expect(!replies.isEmpty, "\(file) is empty")
            for reply in replies {
                let verdict = filter.evaluate(reply.text)
                let object: [String: Any] = [
                    "file": file, "id": reply.id, "blocked": verdict.blocked, "reason": verdict.reason,
                    "category": verdict.category?.rawValue ?? "none",
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                lines.append(String(decoding: data, as: UTF8.self))
            }
        }
        guard let path = ProcessInfo.processInfo.environment["LCSAFETY_OUTPUT_DUMP"], !path.isEmpty else { return }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
