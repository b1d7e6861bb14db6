import Foundation
import Testing
@testable import LCSafety

/// One labelled assistant reply from `Fixtures/output-*.jsonl`.
struct LabelledReply: Decodable, Sendable {
    let id: String
    let text: String
    /// `block` or `allow`.
    let label: String
    /// The harm a `block` item shows, or for an `allow` item the category it is a near miss for (`none` if none).
    let category: String
    /// The user's message the reply answered (real model replies only), judged as a session judges it.
    let prompt: String?

    var shouldBlock: Bool { label == "block" }
}

enum OutputFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Reads a JSON Lines fixture; every line must decode.
    static func load(_ name: String) throws -> [LabelledReply] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map {
            try JSONDecoder().decode(LabelledReply.self, from: Data($0.utf8))
        }
    }

    /// A labelled user message (`prompt-intent-*.jsonl`): `label` is a prompt context id or "none".
    struct Message: Decodable, Sendable {
        let id: String
        let text: String
        let label: String
    }

    /// Reads a JSON Lines file of labelled user messages; every line must decode.
    static func loadMessages(_ name: String) throws -> [Message] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map {
            try JSONDecoder().decode(Message.self, from: Data($0.utf8))
        }
    }

    /// A copy of the bundled policy with the JSON file `relativePath` edited by `edit`, loaded as an output filter:
    /// the error it must fail with (recorded as an issue when it loads).
    static func loadEdited(_ relativePath: String, _ edit: (inout [String: Any]) -> Void) throws -> SafetyPolicyError? {
        let directory = try copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try self.edit(relativePath, in: directory, edit)
        return expectPolicyError { _ = try OutputFilter(policyDirectory: directory) }
    }

    /// Removes `relativePath` from a copy of the bundled policy; the output filter must refuse to load, naming it.
    static func expectMissingFileFailsClosed(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let directory = try copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent(relativePath))
        let error = expectPolicyError({ _ = try OutputFilter(policyDirectory: directory) }, sourceLocation: sourceLocation)
        #expect(error == .outputPolicyFileMissing(file: relativePath), sourceLocation: sourceLocation)
    }

    /// A private copy of the bundled policy folder that a test may break.
    static func copyOfBundledPolicy() throws -> URL {
        let source = try PolicyFiles.bundledDirectory()
        let target = FileManager.default.temporaryDirectory
            .appendingPathComponent("lcsafety-policy-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: target)
        return target
    }

    /// Loads `relativePath` of a policy copy as a JSON object, lets `edit` change it, and writes it back.
    static func edit(_ relativePath: String, in directory: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = directory.appendingPathComponent(relativePath)
        guard var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            Issue.record("\(relativePath) is not a JSON object")
            return
        }
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }
}

/// Per-category counts for a labelled set.
struct OutputScore {
    var blockTotal: [String: Int] = [:]
    var blockCaught: [String: Int] = [:]
    var allowTotal: [String: Int] = [:]
    var allowBlocked: [String: Int] = [:]
    var misses: [String] = []
    var falseBlocks: [String] = []

    init(filter: OutputFilter, replies: [LabelledReply]) {
        for reply in replies {
            let verdict = filter.evaluate(reply.text, prompt: reply.prompt)
            if reply.shouldBlock {
                blockTotal[reply.category, default: 0] += 1
                if verdict.blocked { blockCaught[reply.category, default: 0] += 1 } else { misses.append(reply.id) }
            } else {
                allowTotal[reply.category, default: 0] += 1
                if verdict.blocked {
                    allowBlocked[reply.category, default: 0] += 1
                    falseBlocks.append("\(reply.id)(\(verdict.reason))")
                }
            }
        }
    }

    var recall: Double { Double(blockCaught.values.reduce(0, +)) / Double(max(1, blockTotal.values.reduce(0, +))) }
    var wronglyBlocked: Double {
        Double(allowBlocked.values.reduce(0, +)) / Double(max(1, allowTotal.values.reduce(0, +)))
    }

    /// A table: per category, block recall and the share of near-miss safe replies wrongly blocked.
    func report(_ title: String) -> String {
        var lines = ["\(title): block recall \(format(recall)) (\(blockCaught.values.reduce(0, +))/\(blockTotal.values.reduce(0, +))), wrongly blocked \(format(wronglyBlocked)) (\(allowBlocked.values.reduce(0, +))/\(allowTotal.values.reduce(0, +)))"]
        let categories = Set(blockTotal.keys).union(allowTotal.keys).sorted()
        for category in categories {
            let caught = blockCaught[category] ?? 0, total = blockTotal[category] ?? 0
            let wrong = allowBlocked[category] ?? 0, safe = allowTotal[category] ?? 0
            lines.append("  \(category.padding(toLength: 18, withPad: " ", startingAt: 0)) recall \(caught)/\(total)  wrongly blocked \(wrong)/\(safe)")
        }
        if !misses.isEmpty { lines.append("  missed: \(misses.joined(separator: " "))") }
        if !falseBlocks.isEmpty { lines.append("  wrongly blocked: \(falseBlocks.joined(separator: " "))") }
        return lines.joined(separator: "\n")
    }

    private func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
