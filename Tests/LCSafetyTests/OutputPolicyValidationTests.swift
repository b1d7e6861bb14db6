import Foundation
import Testing
@testable import LCSafety

/// Runs `load`, expecting a `SafetyPolicyError`; returns it so the caller can check the case.
func expectPolicyError(_ load: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> SafetyPolicyError? {
    do {
        try load()
        Issue.record("loaded a broken policy without an error", sourceLocation: sourceLocation)
    } catch let error as SafetyPolicyError {
        #expect(error.errorDescription?.isEmpty == false, sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("unexpected error type \(type(of: error))", sourceLocation: sourceLocation)
    }
    return nil
}

/// Checks that `error` names `file`, the entry (when given) and contains `problem`.
func expectEntryError(_ error: SafetyPolicyError?, file: String, entry: String? = nil, problem: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    switch error {
    case .outputPolicyEntryInvalid(let f, let e, let p)?, .protocolPolicyEntryInvalid(let f, let e, let p)?,
         .screenClassifierInvalid(let f, let e, let p)?:
        #expect(f == file, sourceLocation: sourceLocation)
        if let entry { #expect(e == entry, "entry was '\(e)'", sourceLocation: sourceLocation) }
        #expect(p.contains(problem), "problem was '\(p)'", sourceLocation: sourceLocation)
    case .outputPolicyFileMalformed(let f, let p)?, .protocolPolicyFileMalformed(let f, let p)?,
         .screenPolicyFileMalformed(let f, let p)?:
        #expect(f == file, sourceLocation: sourceLocation)
        #expect(p.contains(problem), "problem was '\(p)'", sourceLocation: sourceLocation)
    default:
        Issue.record("expected an entry or malformed-file error, got \(String(describing: error))", sourceLocation: sourceLocation)
    }
}

@Suite("Output policy validation: a broken file is an error naming file, entry and problem (fail closed)")
struct OutputPolicyValidationTests {
    let rules = "output/rules.json"

    /// A fresh copy of the bundled policy with `rules.json` edited by `edit`, then loaded.
    private func loadEdited(_ edit: (inout [String: Any]) -> Void) throws -> SafetyPolicyError? {
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try OutputFixtures.edit(rules, in: directory, edit)
        return expectPolicyError { _ = try OutputFilter(policyDirectory: directory) }
    }

    /// Replaces the first rule's patterns.
    private func firstRule(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
        { object in
            var rules = object["rules"] as? [[String: Any]] ?? []
            change(&rules[0])
            object["rules"] = rules
        }
    }

    @Test("the bundled policy loads")
    func bundledLoads() throws {
        _ = try OutputFilter.bundled()
    }

    @Test("missing folder or file")
    func missing() throws {
        let nowhere = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)")
        #expect(expectPolicyError { _ = try OutputFilter(policyDirectory: nowhere) }
                == .outputPolicyFileMissing(file: rules))
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent(ContactAllowlist.file))
        #expect(expectPolicyError { _ = try OutputFilter(policyDirectory: directory) }
                == .outputPolicyFileMissing(file: ContactAllowlist.file))
    }

    @Test("not JSON, or a required field missing")
    func malformed() throws {
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{ not json".utf8).write(to: directory.appendingPathComponent(rules))
        expectEntryError(expectPolicyError { _ = try OutputFilter(policyDirectory: directory) },
                         file: rules, problem: "not valid JSON")
        expectEntryError(try loadEdited { $0["stream"] = nil }, file: rules, problem: "missing required field 'stream'")
        expectEntryError(try loadEdited { $0["rules"] = "none" }, file: rules, problem: "expected")
    }

    @Test("bad patterns: invalid regex, empty, matches everything, upper case, unknown lexicon")
    func badPatterns() throws {
        let id = try firstRuleID()
        expectEntryError(try loadEdited(firstRule { $0["patterns"] = ["(unclosed"] }),
                         file: rules, entry: "rules.\(id)[0]", problem: "not a valid regular expression")
        expectEntryError(try loadEdited(firstRule { $0["patterns"] = ["   "] }),
                         file: rules, entry: "rules.\(id)[0]", problem: "empty pattern")
        expectEntryError(try loadEdited(firstRule { $0["patterns"] = ["\\bok\\b", "x*"] }),
                         file: rules, entry: "rules.\(id)[1]", problem: "matches empty text")
        expectEntryError(try loadEdited(firstRule { $0["patterns"] = ["Take two"] }),
                         file: rules, entry: "rules.\(id)[0]", problem: "lower case")
        expectEntryError(try loadEdited(firstRule { $0["patterns"] = ["\\b{nosuchlist}\\b"] }),
                         file: rules, entry: "rules.\(id)[0]", problem: "unknown lexicon {nosuchlist}")
        expectEntryError(try loadEdited(firstRule { $0["patterns"] = [String]() }),
                         file: rules, entry: "rules.\(id)", problem: "no patterns")
        expectEntryError(try loadEdited(firstRule { $0["unless"] = ["[broken"] }),
                         file: rules, entry: "rules.\(id).unless[0]", problem: "not a valid regular expression")
    }

    @Test("bad rule fields: category, context, duplicate id, no rules")
    func badRules() throws {
        let id = try firstRuleID()
        expectEntryError(try loadEdited(firstRule { $0["category"] = "rudeness" }),
                         file: rules, entry: "rules.\(id)", problem: "unknown category 'rudeness'")
        expectEntryError(try loadEdited(firstRule { $0["requires_context"] = "weather" }),
                         file: rules, entry: "rules.\(id)", problem: "unknown context 'weather'")
        expectEntryError(try loadEdited(firstRule { $0["id"] = "Bad Id" }), file: rules, problem: "rule ids")
        expectEntryError(try loadEdited { object in
            let rules = object["rules"] as? [[String: Any]] ?? []
            object["rules"] = rules + [rules[0]]
        }, file: rules, entry: "rules.\(id)", problem: "duplicate rule id")
        expectEntryError(try loadEdited { $0["rules"] = [[String: Any]]() }, file: rules, entry: "rules", problem: "no rules")
        expectEntryError(try loadEdited { $0["version"] = 7 }, file: rules, entry: "version", problem: "unsupported version")
    }

    @Test("bad prompt contexts: unknown name in requires_prompt, unknown reply context enabled, duplicate id, bad pattern")
    func badPromptContexts() throws {
        let id = try firstRuleID()
        expectEntryError(try loadEdited(firstRule { $0["requires_prompt"] = "weather" }),
                         file: rules, entry: "rules.\(id)", problem: "unknown prompt context 'weather'")
        func editPromptContexts(_ change: @escaping (inout [[String: Any]]) -> Void) -> (inout [String: Any]) -> Void {
            { object in
                var contexts = object["prompt_contexts"] as? [[String: Any]] ?? []
                change(&contexts)
                object["prompt_contexts"] = contexts
            }
        }
        let first = try #require(try promptContextIDs().first)
        expectEntryError(try loadEdited(editPromptContexts { $0[0]["enables"] = ["weather"] }),
                         file: rules, entry: "prompt_contexts.\(first).enables", problem: "unknown reply context 'weather'")
        expectEntryError(try loadEdited(editPromptContexts { $0[0]["answer_with"] = "rudeness" }),
                         file: rules, entry: "prompt_contexts.\(first).answer_with", problem: "unknown category 'rudeness'")
        expectEntryError(try loadEdited(editPromptContexts { $0[0]["answer_with"] = nil; $0[0]["answer_on_reading"] = true }),
                         file: rules, entry: "prompt_contexts.\(first).answer_on_reading", problem: "needs answer_with")
        expectEntryError(try loadEdited(editPromptContexts { $0.append($0[0]) }),
                         file: rules, entry: "prompt_contexts.\(first)", problem: "duplicate prompt context id")
        expectEntryError(try loadEdited(editPromptContexts { $0[0]["patterns"] = ["(unclosed"] }),
                         file: rules, entry: "prompt_contexts.\(first)[0]", problem: "not a valid regular expression")
        expectEntryError(try loadEdited(editPromptContexts { $0[0]["id"] = "" }),
                         file: rules, entry: "prompt_contexts.0", problem: "empty id")
    }

    @Test("bad stream bounds, lexicons and detectors")
    func badSettings() throws {
        expectEntryError(try loadEdited { $0["stream"] = ["max_hold_scalars": 400, "overlap_scalars": 300] },
                         file: rules, entry: "stream.overlap_scalars", problem: "at most half")
        expectEntryError(try loadEdited { $0["stream"] = ["max_hold_scalars": 10, "overlap_scalars": 5] },
                         file: rules, entry: "stream.max_hold_scalars", problem: "between")
        expectEntryError(try loadEdited { object in
            var lexicons = object["lexicons"] as? [String: Any] ?? [:]
            lexicons["drug"] = ["pills", " "]
            object["lexicons"] = lexicons
        }, file: rules, entry: "lexicons.drug[1]", problem: "empty term")
        expectEntryError(try loadEdited { $0["detectors"] = [["id": "x.fax", "kind": "fax", "category": "personal_data"]] },
                         file: rules, entry: "detectors.x.fax", problem: "unknown detector kind")
    }

    @Test("bad allowlist entries")
    func badAllowlist() throws {
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try OutputFixtures.edit(ContactAllowlist.file, in: directory) { $0["phone_numbers"] = ["call us"] }
        expectEntryError(expectPolicyError { _ = try OutputFilter(policyDirectory: directory) },
                         file: ContactAllowlist.file, entry: "phone_numbers[0]", problem: "only digits")
        try OutputFixtures.edit(ContactAllowlist.file, in: directory) {
            $0["phone_numbers"] = [String](); $0["email_addresses"] = ["nobody"]
        }
        expectEntryError(expectPolicyError { _ = try OutputFilter(policyDirectory: directory) },
                         file: ContactAllowlist.file, entry: "email_addresses[0]", problem: "not an e-mail address")
    }

    @Test("a broken helpline table stops the output filter too: its numbers are the allowlist")
    func brokenHelplinesFailClosed() throws {
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("[]".utf8).write(to: directory.appendingPathComponent(HelplineTable.file))
        let error = expectPolicyError { _ = try OutputFilter(policyDirectory: directory) }
        if case .protocolPolicyFileMalformed(let file, _)? = error { #expect(file == HelplineTable.file) } else {
            Issue.record("expected a malformed helpline table, got \(String(describing: error))")
        }
    }

    @Test("the literal pre-filter never skips a pattern that could match")
    func literalGate() {
        #expect(RegexLiteralGate.requiredLiterals(of: "\\b(take|try) (two|2) extra\\b") == [" extra"])
        #expect(RegexLiteralGate.requiredLiterals(of: "\\bhalf (a|of (a|your)) (pill|tablet)\\b") == ["half "])
        #expect(RegexLiteralGate.requiredLiterals(of: "(?:lethal|fatal) dose") == [" dose"])
        #expect(RegexLiteralGate.requiredLiterals(of: "(?:ab|cd)") == ["ab", "cd"])
        #expect(RegexLiteralGate.requiredLiterals(of: "x?y*") == nil)
        #expect(RegexLiteralGate.requiredLiterals(of: "(?:a|\\d+)") == nil)          // one branch has no literal
        #expect(RegexLiteralGate.requiredLiterals(of: "(?i)take") == nil)           // inline flags: always run
        #expect(RegexLiteralGate.requiredLiterals(of: "\\d{3}-\\d{2}") == ["-"])
        let single = RegexLiteralGate.requiredLiterals(of: "ab+c")  // any one of the three letters is sound
        #expect(single == ["a"] || single == ["b"] || single == ["c"])
        #expect(RegexLiteralGate.requiredLiterals(of: "(?=.*pills)take") == ["take"])
        #expect(RegexLiteralGate.requiredLiterals(of: "\\bdon\\'t\\b") == ["don't"])
    }

    @Test("with and without the literal pre-filter, every fixture reply gets the same verdict")
    func gatesNeverChangeVerdicts() throws {
        let directory = try PolicyFiles.bundledDirectory()
        let policy = try PolicyFiles.decode(OutputPolicyFile.self, OutputRuleSet.rulesFile, in: directory, layer: .output)
        let allowFile = try PolicyFiles.decode(ContactAllowlistFile.self, ContactAllowlist.file, in: directory, layer: .output)
        let helplines = try HelplineTable(policyDirectory: directory)
        let allowlist = try ContactAllowlist(file: allowFile, helplinePhones: helplines.allPhoneNumbers,
                                             helplineEmails: helplines.allEmailAddresses)
        let gated = OutputFilter(rules: try OutputRuleSet(policy: policy, allowlist: allowlist))
        let ungated = OutputFilter(rules: try OutputRuleSet(policy: policy, allowlist: allowlist, literalGates: false))
        var compared = 0
        for file in ["output-dev.jsonl", "output-heldout.jsonl", "output-heldout-b.jsonl", "output-heldout-c.jsonl",
                     "output-heldout-d.jsonl", "output-model-dev.jsonl", "output-model-heldout.jsonl",
                     "output-model-heldout4.jsonl"] {
            for reply in try OutputFixtures.load(file) {
                #expect(gated.evaluate(reply.text) == ungated.evaluate(reply.text), "\(reply.id)")
                if let prompt = reply.prompt {
                    #expect(gated.evaluate(reply.text, prompt: prompt) == ungated.evaluate(reply.text, prompt: prompt),
                            "\(reply.id) with its prompt")
                }
                #expect(gated.evaluate(reply.text, crisisContext: true) == ungated.evaluate(reply.text, crisisContext: true), "\(reply.id)")
                compared += 1
            }
        }
        #expect(compared > 1000)
    }

    private func promptContextIDs() throws -> [String] {
        let url = try PolicyFiles.bundledDirectory().appendingPathComponent(rules)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return (object?["prompt_contexts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    private func firstRuleID() throws -> String {
        let url = try PolicyFiles.bundledDirectory().appendingPathComponent(rules)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let first = (object?["rules"] as? [[String: Any]])?.first
        return try #require(first?["id"] as? String)
    }
}
