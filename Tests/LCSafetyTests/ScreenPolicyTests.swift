import Foundation
import Testing
@testable import LCSafety

/// Loading validates every policy file and fails with a typed error naming the file and line, so a caller can
/// fail closed instead of screening with half a policy.
@Suite("Crisis screen policy loading")
struct ScreenPolicyTests {
    /// A copy of the shipped policy folder in a fresh temporary directory.
    private func policyCopy() throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("lc-screen-policy-\(UUID().uuidString)", isDirectory: true)
        let source = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LCSafety/Policy/screen")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: root.appendingPathComponent("screen"))
        return root
    }

    private func write(_ text: String, to file: String, in root: URL) throws {
        try text.write(to: root.appendingPathComponent("screen").appendingPathComponent(file),
                       atomically: true, encoding: .utf8)
    }

    private func loadError(_ root: URL) -> SafetyPolicyError? {
        do {
            _ = try CrisisScreen(policyDirectory: root)
            return nil
        } catch let error as SafetyPolicyError {
            return error
        } catch {
            return nil
        }
    }

    @Test("the shipped policy loads and screens all five languages")
    func bundledLoads() throws {
        let screen = try CrisisScreen.bundled()
        #expect(Set(screen.languageCodes) == ["en", "es", "fr", "de", "hi-Latn"])
    }

    @Test("a source copy of the policy loads the same as the bundle")
    func copyLoads() throws {
        let root = try policyCopy()
        defer { try? FileManager.default.removeItem(at: root) }
        let screen = try CrisisScreen(policyDirectory: root)
        #expect(screen.screen("I want to kill myself").isCrisis)
    }

    @Test("a missing folder is a typed error naming it")
    func missingFolder() {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lc-no-policy-\(UUID().uuidString)")
        #expect(loadError(root) == .screenPolicyFileMissing(file: "screen/"))
    }

    @Test("broken lines name the file, the line and the entry",
          arguments: [
              ("si.x : want to (die", "missing ')'"),
              ("si.x : want ..40 die", "gap '..40' must be ..1 to ..12"),
              ("si.x : $NOPE die", "unknown macro $NOPE"),
              ("si.x loud : die now", "unknown flag 'loud'"),
              ("si.x : ", "empty pattern"),
              ("si.x : (a|)", "pattern can match nothing"),
              ("Not A Rule", "expected '<id> [flags] : <pattern>'"),
          ])
    func brokenLine(line: String, problem: String) throws {
        let root = try policyCopy()
        defer { try? FileManager.default.removeItem(at: root) }
        try write("@lang de\n@crisis suicidal_ideation\nsi.ok : will sterben\n\(line)\n", to: "de.rules", in: root)
        let error = try #require(loadError(root))
        guard case .screenPolicyEntryInvalid(let file, let number, _, let found) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(file == "screen/de.rules")
        #expect(number == 4)
        #expect(found == problem)
        #expect(error.errorDescription?.contains("screen/de.rules, line 4") == true)
    }

    @Test("file-level problems: unknown category, duplicate id, language/file mismatch, missing @lang")
    func fileProblems() throws {
        let cases: [(String, String)] = [
            ("@lang de\n@crisis despair\nsi.a : x", "unknown category"),
            ("@lang de\n@crisis self_harm\nsh.a : ritzen\nsh.a : ritze", "duplicate rule id"),
            ("@lang fr\n@crisis self_harm\nsh.a : ritzen", "does not match the file name 'de'"),
            ("@crisis self_harm\nsh.a : ritzen", "missing"),
            ("@lang de\n@idiom\nid.a ask : tot", "flags are only allowed on crisis rules"),
            ("@lang de\nsh.a : ritzen", "rule before any section"),
            ("@lang de\n@rewrite a b = c\n@crisis self_harm\nsh.a : ritzen", "the left side must be exactly one word"),
        ]
        for (text, problem) in cases {
            let root = try policyCopy()
            defer { try? FileManager.default.removeItem(at: root) }
            try write(text, to: "de.rules", in: root)
            let error = try #require(loadError(root), "accepted: \(text)")
            guard case .screenPolicyEntryInvalid(let file, _, _, let found) = error else {
                Issue.record("unexpected \(error) for \(text)")
                continue
            }
            #expect(file == "screen/de.rules")
            #expect(found.contains(problem), "\(found) should mention \(problem)")
        }
    }

    @Test("a category without any rule makes the policy incomplete")
    func missingCategory() throws {
        let root = try policyCopy()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["en", "es", "fr", "de", "hi-Latn"] {
            let url = root.appendingPathComponent("screen/\(name).rules")
            let text = try String(contentsOf: url, encoding: .utf8)
            // Drop every command-hallucination section by renaming it to another category.
            try text.replacingOccurrences(of: "@crisis command_hallucinations", with: "@crisis self_harm")
                .write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(loadError(root) == .screenPolicyIncomplete(problem: "no rule for command_hallucinations"))
    }

    @Test("a file that is not UTF-8 is named as unreadable")
    func notUTF8() throws {
        let root = try policyCopy()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data([0x40, 0x6C, 0xFF, 0xFE, 0x00, 0xC3]).write(to: root.appendingPathComponent("screen/fr.rules"))
        #expect(loadError(root) == .screenPolicyFileUnreadable(file: "screen/fr.rules"))
    }
}
