import Foundation
@testable import LCSafety

/// A labelled message of the screen's development or held-out set (Fixtures/screen-*.jsonl).
struct LabelledMessage: Decodable {
    let id: String
    let text: String
    let label: String
    let category: String?
    let lang: String
    let kind: String?

    var isCrisis: Bool { label == "crisis" }

    /// Reads a fixture set next to this file.
    static func load(_ name: String, file: StaticString = #filePath) throws -> [LabelledMessage] {
        let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map {
            try decoder.decode(LabelledMessage.self, from: Data($0.utf8))
        }
    }
}

/// Recall and false-alarm rates of a screen over a labelled set, broken down by category, language and kind.
struct ScreenScores {
    /// key → (hits, total); keys "ALL", "cat:<category>", "lang:<code>".
    var recall: [String: (Int, Int)] = [:]
    /// key → (false alarms, total); keys "ALL", "lang:<code>", "kind:<kind>".
    var falseAlarms: [String: (Int, Int)] = [:]
    /// Ids of missed crises and of false alarms (never message text in logs of a real deployment; fine for a
    /// fixture written for this purpose).
    var misses: [String] = []
    var alarms: [String] = []

    init(_ screen: CrisisScreen, _ set: [LabelledMessage]) {
        for message in set {
            let fired = screen.screen(message.text).isCrisis
            if message.isCrisis {
                for key in ["ALL", "cat:\(message.category ?? "?")", "lang:\(message.lang)"] {
                    recall[key, default: (0, 0)].0 += fired ? 1 : 0
                    recall[key, default: (0, 0)].1 += 1
                }
                if !fired { misses.append(message.id) }
            } else {
                for key in ["ALL", "lang:\(message.lang)", "kind:\(message.kind ?? "?")"] {
                    falseAlarms[key, default: (0, 0)].0 += fired ? 1 : 0
                    falseAlarms[key, default: (0, 0)].1 += 1
                }
                if fired { alarms.append(message.id) }
            }
        }
    }

    static func rate(_ pair: (Int, Int)) -> Double { pair.1 == 0 ? 0 : Double(pair.0) / Double(pair.1) }

    /// The table printed by the tests.
    func table(title: String) -> String {
        func rows(_ dict: [String: (Int, Int)]) -> String {
            dict.keys.sorted { ($0 == "ALL" ? 0 : 1, $0) < ($1 == "ALL" ? 0 : 1, $1) }.map { key in
                let pair = dict[key]!
                return "  \(key.padding(toLength: 28, withPad: " ", startingAt: 0)) "
                    + String(format: "%.3f  %d/%d", Self.rate(pair), pair.0, pair.1)
            }.joined(separator: "\n")
        }
        return "\(title)\n crisis recall\n\(rows(recall))\n false-alarm rate\n\(rows(falseAlarms))"
            + "\n missed: \(misses.joined(separator: " "))\n false alarms: \(alarms.joined(separator: " "))"
    }
}
