import Foundation
import Testing
@testable import LCSafety

/// Writes every distinct text the safety layer itself shows — crisis responses for each situation, country and
/// language, and the safe fallbacks after a block — as labelled "allow" replies when `LCSAFETY_PROTOCOL_TEXTS_DUMP`
/// names a file. `Scripts/train-output-classifier.py` trains on the committed result
/// (`Fixtures/output-protocol-texts.jsonl`): they are the hardest safe replies there are (suicide, pills and "I'm
/// not a therapist" in five languages), and a classifier that blocked the layer's own help would be worse than none.
/// Regenerate it after editing `Policy/protocol/`.
@Suite("Protocol texts dump (for the output classifier's training script)")
struct ProtocolTextsDumpTests {
    @Test("every response and fallback renders; with LCSAFETY_PROTOCOL_TEXTS_DUMP set, each distinct one is written")
    func dump() throws {
        let responder = try CrisisResponder.bundled()
        var seen: Set<String> = []
        var texts: [String] = []
        func add(_ text: String) {
            if seen.insert(text).inserted { texts.append(text) }
        }
        let countries: [String?] = responder.countries.map { Optional($0) } + [nil]
        for language in responder.languages {
            for country in countries {
                for category in ProtocolCrisisResponderTests.categories {
                    for (clarify, inProgress, followUp) in ProtocolCrisisResponderTests.situations {
                        add(responder.response(category: category, needsClarification: clarify, inProgress: inProgress,
                                               country: country, followUp: followUp, language: language))
                    }
                }
                for category in OutputBlockCategory.allCases {
                    add(responder.safeFallback(for: OutputVerdict(category: category, reason: "dump"), country: country,
                                               language: language))
                }
            }
        }
        #expect(texts.count > 100)
        #expect(texts.allSatisfy { !$0.isEmpty && !$0.contains("{") })
        guard let path = ProcessInfo.processInfo.environment["LCSAFETY_PROTOCOL_TEXTS_DUMP"], !path.isEmpty else { return }
        var lines: [String] = []
        for (index, text) in texts.enumerated() {
            let object: [String: Any] = ["id": String(format: "proto-%04d", index + 1), "text": text, "label": "allow",
                                         "category": "none"]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
