import Foundation

/// The reviewed response texts of `protocol/responses.json`, per language, validated at load.
///
/// A response is a list of paragraphs; placeholders in braces are filled from the helpline table for the user's
/// country (`{crisis_lines}`, `{emergency}`, ...). Validation makes sure every placeholder can be resolved, every
/// situation and fallback exists in every language, no text is empty, and every crisis response names a human
/// resource — a response that could reach a user without a line or an emergency number is a load error.
struct CrisisResponses: Sendable {
    static let file = "protocol/responses.json"

    /// The crisis categories of the input screen (raw values of its `CrisisCategory`).
    static let categories = [
        "suicidal_ideation", "suicide_plan", "self_harm", "harm_to_others", "abuse_danger", "medical_emergency",
        "command_hallucinations", "third_party",
    ]
    /// Situations every language must have: one per category plus the general, clarifying, in-progress and
    /// follow-up responses. `follow_up.<category>`, `in_progress.<category>` and `clarify.<category>` overrides
    /// are optional.
    static let requiredSituations = ["general", "clarify", "in_progress", "follow_up"] + categories
    /// Fallbacks every language must have: one per output block category plus `default`.
    static let requiredFallbacks = OutputBlockCategory.allCases.map(\.rawValue) + ["default"]
    /// Placeholders a paragraph may use.
    static let paragraphPlaceholders: Set<String> = [
        "crisis_lines", "emergency", "dv_lines", "poison_lines", "child_lines", "sexual_assault_lines", "ask_country",
    ]
    /// Fragments every language must have, with the placeholders each must (first) and may (second) use.
    static let fragments: [String: (required: Set<String>, allowed: Set<String>)] = [
        "line_call": (["value"], ["value"]),
        "line_text": (["value"], ["value"]),
        "line_text_keyword": (["value", "keyword"], ["value", "keyword"]),
        "line_chat": (["value"], ["value"]),
        "line_email": (["value"], ["value"]),
        "line_format": (["name", "contacts"], ["name", "contacts", "hours"]),
        "contacts_join": ([], []),
        "or": ([], []),
        "lines_join": ([], []),
        "unknown_country_lines": ([], []),
        "unlisted_country_lines": ([], []),
        "unknown_country_emergency": ([], []),
        "ask_country": ([], []),
    ]

    /// One language's texts.
    struct Language: Sendable {
        let fragments: [String: String]
        let situations: [String: [String]]
        let fallbacks: [String: [String]]
    }

    let languages: [String: Language]

    private struct RawFile: Decodable {
        let version: Int
        let languages: [String: RawLanguage]
    }

    private struct RawLanguage: Decodable {
        let fragments: [String: String]
        let situations: [String: [String]]
        let fallbacks: [String: [String]]
    }

    /// Loads and validates the texts under `policyDirectory`.
    init(policyDirectory: URL) throws {
        let raw = try PolicyFiles.decode(RawFile.self, Self.file, in: policyDirectory, layer: .crisisProtocol)
        func invalid(_ entry: String, _ problem: String) -> SafetyPolicyError {
            .protocolPolicyEntryInvalid(file: Self.file, entry: entry, problem: problem)
        }
        guard raw.version == 1 else { throw invalid("version", "unsupported version \(raw.version) (expected 1)") }
        guard raw.languages["en"] != nil else { throw invalid("languages.en", "English texts are required") }
        var result: [String: Language] = [:]
        for (code, language) in raw.languages.sorted(by: { $0.key < $1.key }) {
            let base = code.split(separator: "-").first.map(String.init) ?? code
            guard ISOCodes.languages.contains(base) else {
                throw invalid("languages.\(code)", "not an ISO 639-1 language code (optionally with a script, e.g. hi-Latn)")
            }
            for (name, rule) in Self.fragments {
                let entry = "languages.\(code).fragments.\(name)"
                guard let text = language.fragments[name] else { throw invalid(entry, "missing") }
                guard !text.isEmpty, !(rule.required.isEmpty && text.trimmingCharacters(in: .whitespaces).isEmpty
                                        && name != "contacts_join" && name != "or" && name != "lines_join") else {
                    throw invalid(entry, "empty text")
                }
                let used = Self.placeholders(in: text)
                if let unknown = used.first(where: { !rule.allowed.contains($0) }) {
                    throw invalid(entry, "placeholder {\(unknown)} cannot be resolved here")
                }
                if let missing = rule.required.subtracting(used).first {
                    throw invalid(entry, "must contain {\(missing)}")
                }
            }
            for name in language.fragments.keys where Self.fragments[name] == nil {
                throw invalid("languages.\(code).fragments.\(name)", "unknown fragment")
            }
            try Self.checkTexts(language.situations, required: Self.requiredSituations,
                                optionalPrefixes: ["follow_up.", "in_progress.", "clarify."],
                                entry: "languages.\(code).situations", invalid)
            try Self.checkTexts(language.fallbacks, required: Self.requiredFallbacks, optionalPrefixes: [],
                                entry: "languages.\(code).fallbacks", invalid)
            // Every crisis response must put the user in touch with a person.
            for (name, paragraphs) in language.situations {
                let used = paragraphs.reduce(into: Set<String>()) { $0.formUnion(Self.placeholders(in: $1)) }
                let entry = "languages.\(code).situations.\(name)"
                if name.hasPrefix("in_progress") {
                    guard used.contains("emergency") else { throw invalid(entry, "must give {emergency}") }
                } else {
                    guard used.contains("crisis_lines") || used.contains("emergency") else {
                        throw invalid(entry, "must give {crisis_lines} or {emergency}")
                    }
                }
                guard used.contains("ask_country") else {
                    throw invalid(entry, "must contain {ask_country} so an unknown country is asked for")
                }
            }
            result[code] = Language(fragments: language.fragments, situations: language.situations,
                                    fallbacks: language.fallbacks)
        }
        languages = result
    }

    private static func checkTexts(
        _ texts: [String: [String]], required: [String], optionalPrefixes: [String], entry: String,
        _ invalid: (String, String) -> SafetyPolicyError
    ) throws {
        for name in required where texts[name] == nil { throw invalid("\(entry).\(name)", "missing") }
        for (name, paragraphs) in texts {
            let where_ = "\(entry).\(name)"
            let known = required.contains(name) || optionalPrefixes.contains { prefix in
                name.hasPrefix(prefix) && categories.contains(String(name.dropFirst(prefix.count)))
            }
            guard known else { throw invalid(where_, "unknown situation or fallback name") }
            guard !paragraphs.isEmpty else { throw invalid(where_, "no paragraphs") }
            for (index, paragraph) in paragraphs.enumerated() {
                guard !paragraph.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw invalid("\(where_)[\(index)]", "empty text")
                }
                if let unknown = placeholders(in: paragraph).first(where: { !paragraphPlaceholders.contains($0) }) {
                    throw invalid("\(where_)[\(index)]", "placeholder {\(unknown)} cannot be resolved")
                }
                if paragraph.filter({ $0 == "{" }).count != paragraph.filter({ $0 == "}" }).count {
                    throw invalid("\(where_)[\(index)]", "unbalanced braces")
                }
            }
        }
    }

    /// Names between `{` and `}` in `text`.
    static func placeholders(in text: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
