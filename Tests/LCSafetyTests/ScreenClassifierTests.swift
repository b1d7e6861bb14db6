import Foundation
import Testing
@testable import LCSafety

@Suite("Screen classifier: normaliser and scores as the training script computes them; a broken file fails closed")
struct ScreenClassifierTests {
    let file = "screen/classifier.json"

    /// A fresh copy of the bundled policy with `screen/classifier.json` edited by `edit`, then loaded.
    private func loadEdited(_ edit: (inout [String: Any]) -> Void) throws -> SafetyPolicyError? {
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try OutputFixtures.edit(file, in: directory, edit)
        return expectPolicyError { _ = try CrisisScreen(policyDirectory: directory) }
    }

    private func bundledFile() throws -> ScreenClassifierFile {
        try PolicyFiles.decode(ScreenClassifierFile.self, file, in: try PolicyFiles.bundledDirectory(), layer: .screen)
    }

    @Test("the bundled probes normalise and score here exactly as in the training script")
    func probesAgree() throws {
        let decoded = try bundledFile()
        let classifier = try ScreenClassifier(file: decoded)
        #expect(decoded.probes.count >= 10)
        for probe in decoded.probes {
            let tokens = TextNormalizer.tokens(probe.text)
            #expect(tokens.joined(separator: " ") == probe.tokens)
            #expect(abs(classifier.score(tokens, cleared: []).crisisProbability - probe.pCrisis) <= 1e-4)
        }
        // The probes span both sides of the threshold, so agreement is checked where it decides something.
        #expect(decoded.probes.contains { $0.pCrisis >= decoded.threshold })
        #expect(decoded.probes.contains { $0.pCrisis < decoded.threshold })
    }

    @Test("a missing classifier file is an error (no silent rules-only fallback)")
    func missingFile() throws {
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent(file))
        let error = expectPolicyError { _ = try CrisisScreen(policyDirectory: directory) }
        #expect(error == .screenPolicyFileMissing(file: file))
    }

    @Test("a file that is not JSON of the expected shape is a malformed-file error naming the field")
    func malformed() throws {
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{\"version\": 1, ".utf8).write(to: directory.appendingPathComponent(file))
        expectEntryError(expectPolicyError { _ = try CrisisScreen(policyDirectory: directory) },
                         file: file, problem: "not valid JSON")
        let missingField = try loadEdited { object in object.removeValue(forKey: "char_ngrams") }
        expectEntryError(missingField, file: file, problem: "char_ngrams")
    }

    @Test("a probe whose normalised tokens differ (normaliser out of step) is an error")
    func tokensMismatch() throws {
        let error = try loadEdited { object in
            var probes = object["probes"] as? [[String: Any]] ?? []
            probes[1]["tokens"] = "<s> something else"
            object["probes"] = probes
        }
        expectEntryError(error, file: file, entry: "probes[1]", problem: "normalises differently")
    }

    @Test("a probe that scores differently here (features or weights out of step) is an error")
    func scoreMismatch() throws {
        let error = try loadEdited { object in
            var probes = object["probes"] as? [[String: Any]] ?? []
            let p = probes[0]["p_crisis"] as? Double ?? 0
            probes[0]["p_crisis"] = p > 0.5 ? p - 0.2 : p + 0.2
            object["probes"] = probes
        }
        expectEntryError(error, file: file, entry: "probes[0]", problem: "does not match")
    }

    @Test("bad numbers name the entry: buckets, a weight row, a class, the threshold, the n-gram lengths")
    func badEntries() throws {
        expectEntryError(try loadEdited { $0["buckets"] = 1000 }, file: file, entry: "buckets", problem: "power of two")
        let shortRow = try loadEdited { object in
            let packed = Data(base64Encoded: object["weights"] as? String ?? "") ?? Data()
            object["weights"] = packed.dropLast(4).base64EncodedString()
        }
        expectEntryError(shortRow, file: file, entry: "weights", problem: "not a whole number")
        let unordered = try loadEdited { object in
            // Swap the first two records: buckets must rise, so a file cannot list one twice.
            var packed = [UInt8](Data(base64Encoded: object["weights"] as? String ?? "") ?? Data())
            let record = 4 + 4 * ((object["classes"] as? [String])?.count ?? 0)
            let first = Array(packed[0..<record])
            packed.replaceSubrange(0..<record, with: packed[record..<(2 * record)])
            packed.replaceSubrange(record..<(2 * record), with: first)
            object["weights"] = Data(packed).base64EncodedString()
        }
        expectEntryError(unordered, file: file, entry: "weights[1]", problem: "not after the previous")
        let unknownClass = try loadEdited { object in
            var classes = object["classes"] as? [String] ?? []
            classes[2] = "sadness"
            object["classes"] = classes
        }
        expectEntryError(unknownClass, file: file, entry: "classes[2]", problem: "unknown or repeated category")
        expectEntryError(try loadEdited { $0["threshold"] = 1.0 }, file: file, entry: "threshold", problem: "[0.5, 1)")
        expectEntryError(try loadEdited { $0["char_ngrams"] = [1, 4] }, file: file, entry: "char_ngrams", problem: "2 to 8")
        expectEntryError(try loadEdited { $0["version"] = 1 }, file: file, entry: "version", problem: "unsupported")
    }

    @Test("sentences a guard cleared are not scored, and then neither is the whole message")
    func clearedSentences() throws {
        let classifier = try ScreenClassifier(file: try bundledFile())
        let two = TextNormalizer.tokens("I had a long day at work today. Nothing matters and I want it all to stop.")
        let second = TextNormalizer.tokens("Nothing matters and I want it all to stop.")
        #expect(two.filter { $0 == TextNormalizer.sentenceStart }.count == 2)
        let onlySecond = classifier.score(two, cleared: [0])
        #expect(abs(onlySecond.crisisProbability - classifier.score(second, cleared: []).crisisProbability) < 1e-12)
        #expect(classifier.score(two, cleared: [0, 1]).crisisProbability == 0)
        #expect(classifier.score(second, cleared: [0]).crisisProbability == 0)
        // The whole message is a unit of its own only when nothing was cleared.
        #expect(classifier.score(two, cleared: []).crisisProbability >= onlySecond.crisisProbability)
    }

    @Test("where no rule fires the classifier decides: reason 'classifier', a category, and a request to clarify; a guard-cleared sentence is never turned into a crisis")
    func combinedWithRules() throws {
        let screen = try CrisisScreen.bundled()
        let classifier = try ScreenClassifier(file: try bundledFile())
        var caught = 0
        var guardKept = 0
        for name in ScreenTokenDumpTests.files {
            for message in try LabelledMessage.load(name) {
                let rules = screen.ruleVerdict(message.text)
                let verdict = screen.screen(message.text)
                if let ruleVerdict = rules.verdict {
                    #expect(verdict == ruleVerdict, "the rules' verdict stands when they fire (\(message.id))")
                    continue
                }
                let learned = classifier.score(rules.tokens, cleared: rules.cleared)
                #expect(verdict.isCrisis == (learned.crisisProbability >= classifier.threshold))
                if verdict.isCrisis {
                    caught += 1
                    #expect(verdict.reason == "classifier" && verdict.needsClarification)
                    #expect(verdict.category == learned.category)
                    #expect(verdict.inProgress == (learned.category == .medicalEmergency))
                } else if !rules.cleared.isEmpty,
                          classifier.score(rules.tokens, cleared: []).crisisProbability >= classifier.threshold {
                    guardKept += 1       // the classifier alone would have fired; the rules' guard decided
                }
            }
        }
        print("screen classifier on its training sets: \(caught) crises found where no rule fired; "
              + "\(guardKept) messages kept ok by a rule guard the classifier alone would have overturned")
        #expect(caught > 0)
    }
}
