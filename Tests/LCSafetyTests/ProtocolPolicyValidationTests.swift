import Foundation
import Testing
@testable import LCSafety

@Suite("Crisis protocol validation: broken helpline table or texts are errors naming file, entry and problem")
struct ProtocolPolicyValidationTests {
    let helplines = HelplineTable.file
    let responses = CrisisResponses.file

    private func load(_ file: String, _ edit: (inout [String: Any]) -> Void) throws -> SafetyPolicyError? {
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try OutputFixtures.edit(file, in: directory, edit)
        return expectPolicyError { _ = try CrisisResponder(policyDirectory: directory) }
    }

    /// Edits the first line of the US entry.
    private func usLine(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
        { object in
            var countries = object["countries"] as? [String: Any] ?? [:]
            var us = countries["US"] as? [String: Any] ?? [:]
            var lines = us["lines"] as? [[String: Any]] ?? []
            change(&lines[0])
            us["lines"] = lines
            countries["US"] = us
            object["countries"] = countries
        }
    }

    /// Edits the English texts.
    private func english(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
        { object in
            var languages = object["languages"] as? [String: Any] ?? [:]
            var en = languages["en"] as? [String: Any] ?? [:]
            change(&en)
            languages["en"] = en
            object["languages"] = languages
        }
    }

    @Test("missing files")
    func missing() throws {
        let directory = try OutputFixtures.copyOfBundledPolicy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent(responses))
        #expect(expectPolicyError { _ = try CrisisResponder(policyDirectory: directory) }
                == .protocolPolicyFileMissing(file: responses))
        try FileManager.default.removeItem(at: directory.appendingPathComponent(helplines))
        #expect(expectPolicyError { _ = try CrisisResponder(policyDirectory: directory) }
                == .protocolPolicyFileMissing(file: helplines))
    }

    @Test("helpline table: country and language codes")
    func codes() throws {
        expectEntryError(try load(helplines) { object in
            var countries = object["countries"] as? [String: Any] ?? [:]
            countries["UK"] = countries["GB"]
            object["countries"] = countries
        }, file: helplines, entry: "UK", problem: "not an ISO 3166-1 alpha-2")
        expectEntryError(try load(helplines, usLine { $0["languages"] = ["english"] }),
                         file: helplines, entry: "US.us-988", problem: "not an ISO 639-1")
    }

    @Test("helpline table: dates")
    func dates() throws {
        for (date, problem) in [("2026-02-30", "not a calendar date"), ("23/11/2026", "not YYYY-MM-DD"),
                                ("2199-01-01", "in the future"), ("", "not YYYY-MM-DD")] {
            expectEntryError(try load(helplines, usLine { $0["checked"] = date }),
                             file: helplines, entry: "US.us-988", problem: problem)
        }
    }

    @Test("helpline table: required fields, numbers, topics, sources, pairs")
    func fields() throws {
        expectEntryError(try load(helplines, usLine { $0["name"] = " " }), file: helplines, entry: "US.us-988", problem: "empty name")
        expectEntryError(try load(helplines, usLine { $0["source"] = nil }), file: helplines, problem: "missing required field 'source'")
        expectEntryError(try load(helplines, usLine { $0["source"] = "988 website" }), file: helplines, entry: "US.us-988", problem: "http(s)")
        expectEntryError(try load(helplines, usLine { $0["basis"] = "" }), file: helplines, entry: "US.us-988", problem: "basis")
        expectEntryError(try load(helplines, usLine { $0["contacts"] = [["kind": "call", "value": "nine-eight-eight"]] }),
                         file: helplines, entry: "US.us-988.contacts[0]", problem: "not a phone number")
        expectEntryError(try load(helplines, usLine { $0["contacts"] = [["kind": "call", "value": ""]] }),
                         file: helplines, entry: "US.us-988.contacts[0]", problem: "empty value")
        expectEntryError(try load(helplines, usLine { $0["contacts"] = [["kind": "pigeon", "value": "988"]] }),
                         file: helplines, entry: "US.us-988.contacts[0]", problem: "unknown kind")
        expectEntryError(try load(helplines, usLine { $0["topics"] = ["weather"] }), file: helplines, entry: "US.us-988", problem: "unknown topic")
        expectEntryError(try load(helplines, usLine { $0["free"] = false }), file: helplines, entry: "US.us-988", problem: "free")
        expectEntryError(try load(helplines, usLine { $0["pair"] = "lonely" }), file: helplines, entry: "US.pair.lonely", problem: "at least two")
        expectEntryError(try load(helplines) { object in
            var countries = object["countries"] as? [String: Any] ?? [:]
            var us = countries["US"] as? [String: Any] ?? [:]
            us["emergency"] = ["numbers": [String](), "source": "https://example.org/x", "checked": "2026-01-01", "basis": "x"]
            countries["US"] = us
            object["countries"] = countries
        }, file: helplines, entry: "US.emergency", problem: "no emergency number")
    }

    @Test("response texts: placeholders, situations, empty texts, a human resource in every response")
    func texts() throws {
        expectEntryError(try load(responses, english { en in
            var situations = en["situations"] as? [String: Any] ?? [:]
            situations["general"] = ["Call {crisis_line} now. {ask_country}"]
            en["situations"] = situations
        }), file: responses, entry: "languages.en.situations.general[0]", problem: "placeholder {crisis_line} cannot be resolved")
        expectEntryError(try load(responses, english { en in
            var situations = en["situations"] as? [String: Any] ?? [:]
            situations["suicide_plan"] = nil
            en["situations"] = situations
        }), file: responses, entry: "languages.en.situations.suicide_plan", problem: "missing")
        expectEntryError(try load(responses, english { en in
            var situations = en["situations"] as? [String: Any] ?? [:]
            situations["self_harm"] = ["I'm here. {ask_country}", "  "]
            en["situations"] = situations
        }), file: responses, entry: "languages.en.situations.self_harm[1]", problem: "empty text")
        expectEntryError(try load(responses, english { en in
            var situations = en["situations"] as? [String: Any] ?? [:]
            situations["self_harm"] = ["I'm here for you. {ask_country}"]
            en["situations"] = situations
        }), file: responses, entry: "languages.en.situations.self_harm", problem: "must give {crisis_lines} or {emergency}")
        expectEntryError(try load(responses, english { en in
            var situations = en["situations"] as? [String: Any] ?? [:]
            situations["in_progress"] = ["Please reach out: {crisis_lines}. {ask_country}"]
            en["situations"] = situations
        }), file: responses, entry: "languages.en.situations.in_progress", problem: "must give {emergency}")
        expectEntryError(try load(responses, english { en in
            var situations = en["situations"] as? [String: Any] ?? [:]
            situations["general"] = ["Call 988 or {emergency}."]
            en["situations"] = situations
        }), file: responses, entry: "languages.en.situations.general", problem: "{ask_country}")
        expectEntryError(try load(responses, english { en in
            var fragments = en["fragments"] as? [String: Any] ?? [:]
            fragments["line_text_keyword"] = "text {value}"
            en["fragments"] = fragments
        }), file: responses, entry: "languages.en.fragments.line_text_keyword", problem: "must contain {keyword}")
        expectEntryError(try load(responses, english { en in
            var fallbacks = en["fallbacks"] as? [String: Any] ?? [:]
            fallbacks["diagnosis"] = nil
            en["fallbacks"] = fallbacks
        }), file: responses, entry: "languages.en.fallbacks.diagnosis", problem: "missing")
        expectEntryError(try load(responses) { object in
            var languages = object["languages"] as? [String: Any] ?? [:]
            languages["en"] = nil
            object["languages"] = languages
        }, file: responses, entry: "languages.en", problem: "English texts are required")
        expectEntryError(try load(responses) { object in
            var languages = object["languages"] as? [String: Any] ?? [:]
            languages["klingon"] = languages["de"]
            object["languages"] = languages
        }, file: responses, entry: "languages.klingon", problem: "not an ISO 639-1")
    }
}
