import Foundation
import Testing
@testable import LCSafety

@Suite("Output classifier: features as the training script computes them; a broken file fails closed")
struct OutputClassifierTests {
    let file = "output/classifier.json"

    private func loadEdited(_ edit: (inout [String: Any]) -> Void) throws -> SafetyPolicyError? {
        try OutputFixtures.loadEdited(file, edit)
    }

    @Test("tokens: ASCII lower-cased, digits folded, typographic apostrophes kept as ', dashes split")
    func tokens() {
        let words = OutputClassifier.tokens("Don\u{2019}t call 988\u{2014}I'M here, 'ok'").map { String(decoding: $0, as: UTF8.self) }
        #expect(words == ["don't", "call", "000", "i'm", "here", "ok"])
    }

    @Test("the bundled classifier's probes score here as they did in the training script")
    func probesAgree() throws {
        let directory = try PolicyFiles.bundledDirectory()
        let decoded = try PolicyFiles.decode(OutputClassifierFile.self, file, in: directory, layer: .output)
        let classifier = try OutputClassifier(file: decoded)
        #expect(decoded.probes.count >= 2)
        for probe in decoded.probes {
            #expect(abs(classifier.probabilityOfNone(probe.text) - probe.pNone) <= 0.01)
        }
    }

    @Test("a missing classifier file is an error (no silent rules-only fallback)")
    func missingFile() throws {
        try OutputFixtures.expectMissingFileFailsClosed(file)
    }

    @Test("weights that are not whole records, or not base64, are an error naming the entry")
    func shortRow() throws {
        let error = try loadEdited { object in
            let packed = Data(base64Encoded: object["weights"] as? String ?? "") ?? Data()
            object["weights"] = packed.dropLast(4).base64EncodedString()
        }
        expectEntryError(error, file: file, entry: "weights", problem: "not a whole number")
        let notBase64 = try loadEdited { $0["weights"] = "not base64 at all!" }
        expectEntryError(notBase64, file: file, entry: "weights", problem: "not base64")
    }

    @Test("an unknown class is an error")
    func unknownClass() throws {
        let error = try loadEdited { object in
            var classes = object["classes"] as? [String] ?? []
            classes[1] = "rudeness"
            object["classes"] = classes
        }
        expectEntryError(error, file: file, entry: "classes[1]", problem: "unknown or repeated category")
    }

    @Test("a probe that scores differently here (features or weights out of step) is an error")
    func probeMismatch() throws {
        let error = try loadEdited { object in
            var probes = object["probes"] as? [[String: Any]] ?? []
            let p = probes[0]["p_none"] as? Double ?? 0
            probes[0]["p_none"] = p > 0.5 ? p - 0.3 : p + 0.3
            object["probes"] = probes
        }
        expectEntryError(error, file: file, entry: "probes[0]", problem: "does not match")
    }

    @Test("a threshold outside (0.5, 1) is an error")
    func badThreshold() throws {
        let error = try loadEdited { object in object["threshold"] = 1.5 }
        expectEntryError(error, file: file, entry: "threshold", problem: "(0.5, 1)")
        let contextFree = try loadEdited { object in object["context_free_threshold"] = 0.51 }
        expectEntryError(contextFree, file: file, entry: "context_free_threshold", problem: "at least threshold")
    }
}
