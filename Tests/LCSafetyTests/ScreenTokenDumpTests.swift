import Foundation
import Testing
@testable import LCSafety

/// Writes, for every message of the screen classifier's training sets, `TextNormalizer`'s tokens, whether the
/// rules alone call it a crisis, and the sentences their guards cleared, as JSON Lines when
/// `LCSAFETY_SCREEN_TOKENS_DUMP` names a file. `Scripts/train-screen-classifier.py --check-tokens FILE` proves with
/// it that the Python normaliser agrees with this one on all of them (the probes check only a few at load), and
/// `--guards FILE` scores messages as the screen does (cleared sentences left out) when it picks the threshold.
@Suite("Screen normaliser token dump (for the training script)")
struct ScreenTokenDumpTests {
    /// The training sets of the screen classifier (never the blind sets): the tuning sets and every
    /// `screen-train-*.jsonl` in the fixtures, as the training script reads them.
    static let files: [String] = {
        let fixtures = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent("Fixtures")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        let train = names.filter { $0.hasPrefix("screen-train-") && $0.hasSuffix(".jsonl") }.sorted()
        return ["screen-dev.jsonl"] + [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13].map { "screen-heldout\($0).jsonl" } + train
    }()

    @Test("every training set loads; with LCSAFETY_SCREEN_TOKENS_DUMP set, each message's tokens are written")
    func dump() throws {
        let screen = try CrisisScreen.bundled()
        #expect(Self.files.count >= 15, "the classifier's own training files are missing from the fixtures")
        var lines: [String] = []
        for file in Self.files {
            let set = try LabelledMessage.load(file)
            #expect(!set.isEmpty, "\(file) is empty")
            for message in set {
                let rules = screen.ruleVerdict(message.text)
                #expect(rules.tokens == TextNormalizer.tokens(message.text))
                let object: [String: Any] = [
                    "file": file, "id": message.id, "tokens": rules.tokens.joined(separator: " "),
                    "rules": rules.verdict?.isCrisis ?? false, "cleared": rules.cleared.sorted(),
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                lines.append(String(decoding: data, as: UTF8.self))
            }
        }
        guard let path = ProcessInfo.processInfo.environment["LCSAFETY_SCREEN_TOKENS_DUMP"], !path.isEmpty else { return }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
