import Foundation

/// The crisis protocol: when the input screen finds a crisis, the model is not asked; the session answers with a
/// fixed, reviewed response built from `Policy/protocol/responses.json` and the offline helpline table.
///
/// Every response follows SAFETY.md "What a crisis response must contain": acknowledgement without judgment, a
/// direct C-SSRS question when the message was unclear, a safety check, a human resource for the user's country
/// (asking for the country when it is unknown rather than defaulting to 988), the emergency number when danger is
/// in progress (and then only that, not a conversation), the dedicated domestic-violence, poison and child lines
/// where the category calls for them, means safety in general terms, trusted people and no promise of secrecy, a
/// plain statement that it is an AI, and hope. Follow-up turns get a shorter reminder with the line.
public struct CrisisResponder: Sendable {
    private let helplines: HelplineTable
    private let texts: CrisisResponses

    /// The responder built from the policy shipped with the package.
    public static func bundled() throws -> CrisisResponder {
        try CrisisResponder(policyDirectory: PolicyFiles.bundledDirectory())
    }

    /// Loads and validates `protocol/helplines.json` and `protocol/responses.json` under `policyDirectory`.
    public init(policyDirectory: URL) throws {
        helplines = try HelplineTable(policyDirectory: policyDirectory)
        texts = try CrisisResponses(policyDirectory: policyDirectory)
    }

    /// Language codes with response texts (always includes `en`).
    public var languages: [String] { texts.languages.keys.sorted() }

    /// ISO 3166-1 alpha-2 codes of the countries in the helpline table.
    public var countries: [String] { helplines.countries.keys.sorted() }

    /// The fixed response for a crisis.
    /// - Parameters:
    ///   - category: the input screen's `CrisisCategory` raw value; nil or unknown gives the general response.
    ///   - needsClarification: the message was ambiguous: ask directly (C-SSRS Q1/Q2) instead of assuming.
    ///   - inProgress: danger is happening now (something taken, injury in progress): the emergency number only.
    ///   - country: ISO 3166-1 alpha-2 code (case-insensitive, `UK` accepted); nil or invalid means unknown, and
    ///     the response asks for it.
    ///   - followUp: a later turn of a session that is already crisis-aware: a shorter reminder with the line.
    ///   - language: ISO 639-1 code of the texts to use, optionally with a script (`hi-Latn`, as the screen reports
    ///     romanised Hindi, uses the `hi` texts); nil or a language without texts gives English.
    public func response(
        category: String?, needsClarification: Bool, inProgress: Bool, country: String?, followUp: Bool,
        language: String? = nil
    ) -> String {
        guard let lang = languageTexts(for: language) else { return "" }  // unreachable: validation requires English
        let known = category.flatMap { CrisisResponses.categories.contains($0) ? $0 : nil }
        var keys: [String] = []
        if inProgress {
            keys = known.map { ["in_progress.\($0)"] } ?? []
            keys.append("in_progress")
        } else if followUp {
            keys = known.map { ["follow_up.\($0)"] } ?? []
            keys.append("follow_up")
        } else if needsClarification {
            keys = known.map { ["clarify.\($0)"] } ?? []
            keys.append("clarify")
        } else {
            keys = [known ?? "general"]
        }
        let paragraphs = keys.lazy.compactMap { lang.situations[$0] }.first ?? lang.situations["general"] ?? []
        return render(paragraphs, language: lang, country: country)
    }

    /// What is shown instead of a reply the output filter blocked: a short, safe text for the block's category,
    /// with the country's crisis line where the category calls for one.
    public func safeFallback(for verdict: OutputVerdict, country: String?, language: String? = nil) -> String {
        guard let lang = languageTexts(for: language) else { return "" }
        let key = verdict.category?.rawValue ?? "default"
        return render(lang.fallbacks[key] ?? lang.fallbacks["default"] ?? [], language: lang, country: country)
    }

    /// The texts for a language tag: the exact tag, else its ISO 639-1 base (the screen's verdicts say `hi-Latn`,
    /// the texts are keyed `hi`), else English.
    private func languageTexts(for language: String?) -> CrisisResponses.Language? {
        guard let language else { return texts.languages["en"] }
        let base = language.split(separator: "-").first.map(String.init) ?? language
        return texts.languages[language] ?? texts.languages[base] ?? texts.languages["en"]
    }

    // MARK: - Rendering

    /// Fills the placeholders of each paragraph. A paragraph whose topic line does not exist for the country (no
    /// poison line in the table, say) is left out, as is an empty `{ask_country}` paragraph once the country is
    /// known; the emergency number and crisis line always resolve to something.
    private func render(_ paragraphs: [String], language: CrisisResponses.Language, country: String?) -> String {
        let code = ISOCodes.normalizedCountry(country)
        let entry = code.flatMap { helplines.countries[$0] }
        let fragments = language.fragments
        func fragment(_ name: String) -> String { fragments[name] ?? "" }

        func lines(_ topic: String) -> String? {
            guard let entry else {
                guard topic == "crisis" else { return nil }
                return fragment(code == nil ? "unknown_country_lines" : "unlisted_country_lines")
            }
            let found = entry.lines(for: topic)
            guard !found.isEmpty else { return nil }
            return found.map { format($0, fragments: fragments) }.joined(separator: fragment("lines_join"))
        }
        let emergency = entry.map { $0.emergencyNumbers.joined(separator: fragment("or")) }
            ?? fragment("unknown_country_emergency")
        let values: [String: String?] = [
            "crisis_lines": lines("crisis"),
            "dv_lines": lines("domestic_violence"),
            "poison_lines": lines("poison"),
            "child_lines": lines("child_abuse"),
            "sexual_assault_lines": lines("sexual_assault"),
            "emergency": emergency,
            "ask_country": code == nil ? fragment("ask_country") : "",
        ]
        var output: [String] = []
        paragraphLoop: for paragraph in paragraphs {
            var text = paragraph
            for name in CrisisResponses.placeholders(in: paragraph) {
                guard let value = values[name] ?? nil else { continue paragraphLoop }
                text = text.replacingOccurrences(of: "{\(name)}", with: value)
            }
            while text.contains("  ") { text = text.replacingOccurrences(of: "  ", with: " ") }
            text = text.trimmingCharacters(in: .whitespaces)
            if !text.isEmpty { output.append(text) }
        }
        return output.joined(separator: "\n\n")
    }

    /// "988 Suicide & Crisis Lifeline: call 988, text 988 or chat at 988lifeline.org (24/7)".
    private func format(_ line: Helpline, fragments: [String: String]) -> String {
        let contacts = line.contacts.map { contact -> String in
            let template: String
            switch contact.kind {
            case "call": template = fragments["line_call"] ?? "{value}"
            case "text": template = contact.keyword == nil
                ? fragments["line_text"] ?? "{value}" : fragments["line_text_keyword"] ?? "{value}"
            case "chat": template = fragments["line_chat"] ?? "{value}"
            default: template = fragments["line_email"] ?? "{value}"
            }
            return template.replacingOccurrences(of: "{value}", with: contact.value)
                .replacingOccurrences(of: "{keyword}", with: contact.keyword ?? "")
        }
        let or = fragments["or"] ?? " / "
        let joined = contacts.count <= 1 ? contacts.joined()
            : contacts.dropLast().joined(separator: fragments["contacts_join"] ?? ", ") + or + (contacts.last ?? "")
        return (fragments["line_format"] ?? "{name}: {contacts}")
            .replacingOccurrences(of: "{name}", with: line.name)
            .replacingOccurrences(of: "{contacts}", with: joined)
            .replacingOccurrences(of: "{hours}", with: line.hours)
    }
}
