import Foundation
import Testing
@testable import LCSafety

@Suite("Prompt reading: the learned classifier scores as its training script did; a broken file fails closed")
struct PromptIntentClassifierTests {
    let file = "output/prompt-classifier.json"

    private func loadEdited(_ edit: (inout [String: Any]) -> Void) throws -> SafetyPolicyError? {
        try OutputFixtures.loadEdited(file, edit)
    }

    @Test("the bundled classifier's probes score here as they did in the training script")
    func probesAgree() throws {
        let directory = try PolicyFiles.bundledDirectory()
        let decoded = try PolicyFiles.decode(PromptIntentClassifierFile.self, file, in: directory, layer: .output)
        let classifier = try PromptIntentClassifier(file: decoded)
        #expect(decoded.probes.count >= 2)
        for probe in decoded.probes {
            #expect(abs(classifier.probabilityOfNone(probe.text) - probe.pNone) <= 0.01)
        }
    }

    @Test("a missing file is an error (no silent patterns-only fallback)")
    func missingFile() throws {
        try OutputFixtures.expectMissingFileFailsClosed(file)
    }

    @Test("a class that is not a prompt context of rules.json, a bad probe or threshold: errors naming the entry")
    func brokenFile() throws {
        let unknown = try loadEdited { object in
            var classes = object["classes"] as? [String] ?? []
            classes[1] = "weather"
            object["classes"] = classes
        }
        expectEntryError(unknown, file: file, entry: "classes[1]", problem: "'weather' is not a prompt context")
        let probe = try loadEdited { object in
            var probes = object["probes"] as? [[String: Any]] ?? []
            let p = probes[0]["p_none"] as? Double ?? 0
            probes[0]["p_none"] = p > 0.5 ? p - 0.3 : p + 0.3
            object["probes"] = probes
        }
        expectEntryError(probe, file: file, entry: "probes[0]", problem: "does not match")
        expectEntryError(try loadEdited { $0["threshold"] = 0.2 }, file: file, entry: "threshold", problem: "(0.5, 1)")
        expectEntryError(try loadEdited { $0["answer_threshold"] = 0.3 }, file: file, entry: "answer_threshold",
                         problem: "[0.5, 1)")
        expectEntryError(try loadEdited { $0["classes"] = ["ok", "asks_diagnosis"] }, file: file, entry: "classes",
                         problem: "the first class must be \"none\"")
    }

    @Test("messages the writer kept apart: what they ask for is read (patterns or classifier); harmless ones mostly not")
    func heldOutMessages() throws {
        let filter = try OutputFilter.bundled()
        let rows = try OutputFixtures.loadMessages("prompt-intent-test.jsonl")
        #expect(rows.count >= 250)
        var asking = 0, read = 0, none = 0, misread = 0
        for row in rows {
            let flags = filter.promptFlags(for: row.text)
            if row.label == "none" {
                none += 1
                if flags != 0 { misread += 1 }
            } else {
                asking += 1
                if flags != 0 { read += 1 }
            }
        }
        print("prompt-intent-test: asking messages read \(read)/\(asking), harmless ones read as asking \(misread)/\(none)")
        #expect(Double(read) / Double(asking) >= 0.6)
        #expect(Double(misread) / Double(none) <= 0.2)
    }

    /// `prompt-intent-blind.jsonl` (420 messages by a second writer who saw nothing of the project) was scored once
    /// after the patterns were written from the first writer's messages: read as asking 201/240, harmless ones
    /// misread 8/180; a fixed answer for 112/160 of the four answered kinds and 5/180 harmless messages. It was then
    /// trained on, with 800 messages by a third writer (`prompt-intent-train2.jsonl`). `prompt-intent-blind2.jsonl`
    /// (a fourth writer) was scored once after that; its figures are in Policy/output/README.md. The floors sit a
    /// little below the blind2 figures and catch a regression.
    @Test("writers' messages never trained on (blind2, blind6) and trained on (blind, blind3-5): asking read, few harmless get a fixed answer",
          arguments: [("prompt-intent-blind2.jsonl", 420), ("prompt-intent-blind.jsonl", 420),
                      ("prompt-intent-blind3.jsonl", 640), ("prompt-intent-blind4.jsonl", 640),
                      ("prompt-intent-blind5.jsonl", 720), ("prompt-intent-blind6.jsonl", 720)])
    func blindMessages(file: String, count: Int) throws {
        let filter = try OutputFilter.bundled()
        let rows = try OutputFixtures.loadMessages(file)
        #expect(rows.count == count)
        let answered: Set<String> = ["asks_diagnosis", "asks_about_bot", "asks_third_party", "risky_meds",
                                     "risky_behaviour", "avoids_help"]
        var asking = 0, read = 0, harmless = 0, misread = 0, answerable = 0, fixed = 0, harmlessFixed = 0
        for row in rows {
            let flags = filter.promptFlags(for: row.text)
            let answer = filter.fixedAnswerCategory(for: row.text)
            if row.label == "none" {
                harmless += 1
                if flags != 0 { misread += 1 }
                if answer != nil { harmlessFixed += 1 }
            } else {
                asking += 1
                if flags != 0 { read += 1 }
                if answered.contains(row.label) {
                    answerable += 1
                    if answer != nil { fixed += 1 }
                }
            }
        }
        print("\(file): read \(read)/\(asking), harmless misread \(misread)/\(harmless); fixed answers \(fixed)/\(answerable), harmless given one \(harmlessFixed)/\(harmless)")
        #expect(Double(read) / Double(asking) >= 0.78)
        #expect(Double(misread) / Double(harmless) <= 0.07)
        #expect(Double(fixed) / Double(answerable) >= 0.62)
        #expect(Double(harmlessFixed) / Double(harmless) <= 0.05)
    }
}
