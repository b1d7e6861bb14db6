import Foundation

/// One human-staffed line from the offline helpline table.
struct Helpline: Sendable, Equatable {
    /// One way to reach the line.
    struct Contact: Sendable, Equatable {
        /// `call`, `text`, `chat` (a web address) or `email`.
        let kind: String
        /// The number, short code, web address or e-mail address, as shown to the user.
        let value: String
        /// For `text`: the word to send (e.g. `START`), if the line needs one.
        let keyword: String?
    }

    let id: String
    let name: String
    /// What the line is for: `crisis`, `domestic_violence`, `poison`, `child_abuse`, `sexual_assault`, `youth`.
    let topics: [String]
    let contacts: [Contact]
    /// ISO 639-1 codes of the languages the line answers in.
    let languages: [String]
    let hours: String
    let free: Bool
    let confidential: Bool
    /// On the short "show one number" list for its topics (G11). All priority lines of a topic are shown
    /// together, so a pair (adult/youth, two languages) is always shown whole.
    let priority: Bool
    let source: String
    let checked: String
}

/// The lines and emergency numbers of one country.
struct CountryHelplines: Sendable {
    let code: String
    /// Emergency numbers, most general first (e.g. `["15", "112"]` for France: SAMU, then the European number).
    let emergencyNumbers: [String]
    let lines: [Helpline]

    /// The lines to show for `topic`: its priority lines, or every line of the topic when none is marked.
    func lines(for topic: String) -> [Helpline] {
        let matching = lines.filter { $0.topics.contains(topic) }
        let priority = matching.filter(\.priority)
        return priority.isEmpty ? matching : priority
    }
}

/// The shipped, dated offline helpline table (`protocol/helplines.json`), keyed by ISO 3166-1 alpha-2 code.
///
/// An offline runtime cannot ask a helpline directory (G11), so it carries a static table; every entry names its
/// `source` and the date it was `checked`, and the loader rejects entries without them, with a bad country or
/// language code, an impossible or future date, an empty name or number, or a broken pair.
struct HelplineTable: Sendable {
    static let file = "protocol/helplines.json"
    static let topics: Set<String> = ["crisis", "domestic_violence", "poison", "child_abuse", "sexual_assault", "youth"]
    static let contactKinds: Set<String> = ["call", "text", "chat", "email"]

    let countries: [String: CountryHelplines]

    /// Loads and validates the table under `policyDirectory`.
    init(policyDirectory: URL) throws {
        let raw = try PolicyFiles.decode(RawFile.self, Self.file, in: policyDirectory, layer: .crisisProtocol)
        try self.init(raw: raw)
    }

    /// Every phone number and short code in the table (the output filter never treats these as personal data).
    var allPhoneNumbers: [String] {
        countries.values.flatMap { country in
            country.emergencyNumbers + country.lines.flatMap { line in
                line.contacts.filter { $0.kind == "call" || $0.kind == "text" }.map(\.value)
            }
        }
    }

    /// Every e-mail address in the table.
    var allEmailAddresses: [String] {
        countries.values.flatMap { $0.lines.flatMap { $0.contacts.filter { $0.kind == "email" }.map(\.value) } }
    }

    // MARK: - File shape and validation

    private struct RawFile: Decodable {
        let version: Int
        let countries: [String: RawCountry]
    }

    private struct RawCountry: Decodable {
        let emergency: RawEmergency
        let lines: [RawLine]
    }

    private struct RawEmergency: Decodable {
        let numbers: [String]
        let source: String
        let checked: String
        let basis: String
    }

    private struct RawContact: Decodable {
        let kind: String
        let value: String
        let keyword: String?
    }

    private struct RawLine: Decodable {
        let id: String
        let name: String
        let topics: [String]
        let contacts: [RawContact]
        let languages: [String]
        let hours: String
        let free: Bool
        let confidential: Bool
        let priority: Bool
        let pair: String?
        let source: String
        let checked: String
        /// How the entry was checked (against SAFETY.md's cited source, or not re-checked online).
        let basis: String
    }

    private init(raw: RawFile) throws {
        func invalid(_ entry: String, _ problem: String) -> SafetyPolicyError {
            .protocolPolicyEntryInvalid(file: Self.file, entry: entry, problem: problem)
        }
        guard raw.version == 1 else { throw invalid("version", "unsupported version \(raw.version) (expected 1)") }
        guard !raw.countries.isEmpty else { throw invalid("countries", "no countries") }
        var result: [String: CountryHelplines] = [:]
        var lineIDs = Set<String>()
        for (code, country) in raw.countries.sorted(by: { $0.key < $1.key }) {
            guard ISOCodes.countries.contains(code) else {
                throw invalid(code, "not an ISO 3166-1 alpha-2 country code (upper case, e.g. GB not UK)")
            }
            let emergency = country.emergency
            guard !emergency.numbers.isEmpty else { throw invalid("\(code).emergency", "no emergency number") }
            for (index, number) in emergency.numbers.enumerated() where !Self.isDialable(number) {
                throw invalid("\(code).emergency.numbers[\(index)]", "not a phone number")
            }
            try Self.checkSource(emergency.source, entry: "\(code).emergency", invalid)
            try Self.checkDate(emergency.checked, entry: "\(code).emergency", invalid)
            guard !emergency.basis.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw invalid("\(code).emergency", "empty basis: say how the numbers were checked")
            }
            guard !country.lines.isEmpty else { throw invalid("\(code).lines", "no lines") }
            var lines: [Helpline] = []
            var pairs: [String: [RawLine]] = [:]
            for line in country.lines {
                let entry = "\(code).\(line.id.isEmpty ? "(no id)" : line.id)"
                guard !line.id.isEmpty, lineIDs.insert(line.id).inserted else {
                    throw invalid(entry, "missing or duplicate id")
                }
                guard !line.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid(entry, "empty name") }
                guard !line.hours.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid(entry, "empty hours") }
                guard !line.topics.isEmpty else { throw invalid(entry, "no topics") }
                for topic in line.topics where !Self.topics.contains(topic) {
                    throw invalid(entry, "unknown topic '\(topic)' (\(Self.topics.sorted().joined(separator: ", ")))")
                }
                guard !line.languages.isEmpty else { throw invalid(entry, "no languages") }
                for language in line.languages where !ISOCodes.languages.contains(language) {
                    throw invalid(entry, "'\(language)' is not an ISO 639-1 language code")
                }
                guard !line.contacts.isEmpty else { throw invalid(entry, "no contacts") }
                var contacts: [Helpline.Contact] = []
                for (index, contact) in line.contacts.enumerated() {
                    let where_ = "\(entry).contacts[\(index)]"
                    guard Self.contactKinds.contains(contact.kind) else {
                        throw invalid(where_, "unknown kind '\(contact.kind)' (call, text, chat, email)")
                    }
                    let value = contact.value.trimmingCharacters(in: .whitespaces)
                    guard !value.isEmpty else { throw invalid(where_, "empty value") }
                    switch contact.kind {
                    case "call", "text":
                        guard Self.isDialable(value) else { throw invalid(where_, "not a phone number or short code") }
                    case "email":
                        guard value.contains("@"), !value.contains(" ") else { throw invalid(where_, "not an e-mail address") }
                    default:
                        guard value.contains("."), !value.contains(" ") else { throw invalid(where_, "not a web address") }
                    }
                    if let keyword = contact.keyword {
                        guard contact.kind == "text", !keyword.trimmingCharacters(in: .whitespaces).isEmpty else {
                            throw invalid(where_, "a keyword must be non-empty and only on a text contact")
                        }
                    }
                    contacts.append(.init(kind: contact.kind, value: value, keyword: contact.keyword))
                }
                guard line.free else { throw invalid(entry, "a helpline here must be free (G11)") }
                try Self.checkSource(line.source, entry: entry, invalid)
                try Self.checkDate(line.checked, entry: entry, invalid)
                guard !line.basis.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw invalid(entry, "empty basis: say how the entry was checked")
                }
                if let pair = line.pair { pairs[pair, default: []].append(line) }
                lines.append(Helpline(
                    id: line.id, name: line.name, topics: line.topics, contacts: contacts, languages: line.languages,
                    hours: line.hours, free: line.free, confidential: line.confidential, priority: line.priority,
                    source: line.source, checked: line.checked))
            }
            // G11: a pair is shown both or neither, so both halves must be on the same footing.
            for (pair, members) in pairs {
                guard members.count >= 2 else { throw invalid("\(code).pair.\(pair)", "a pair needs at least two lines") }
                guard Set(members.map(\.priority)).count == 1, Set(members.map { $0.topics.sorted() }).count == 1 else {
                    throw invalid("\(code).pair.\(pair)", "paired lines must share topics and priority")
                }
            }
            if lines.allSatisfy({ !$0.topics.contains("crisis") }) {
                throw invalid("\(code).lines", "no line with topic 'crisis'")
            }
            result[code] = CountryHelplines(code: code, emergencyNumbers: emergency.numbers, lines: lines)
        }
        countries = result
    }

    /// Digits with the usual separators and an optional leading +, at least 2 digits (short codes such as 15).
    private static func isDialable(_ value: String) -> Bool {
        value.range(of: "^\\+?[0-9][0-9 \\-().]*[0-9]$", options: .regularExpression) != nil
    }

    private static func checkSource(
        _ source: String, entry: String, _ invalid: (String, String) -> SafetyPolicyError
    ) throws {
        guard source.hasPrefix("https://") || source.hasPrefix("http://"), !source.contains(" "), source.count > 10 else {
            throw invalid(entry, "source must be an http(s) address")
        }
    }

    /// `checked` must be a real calendar date, YYYY-MM-DD, not in the future.
    private static func checkDate(
        _ date: String, entry: String, _ invalid: (String, String) -> SafetyPolicyError
    ) throws {
        let parts = date.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            throw invalid(entry, "checked date '\(date)' is not YYYY-MM-DD")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let components = DateComponents(year: year, month: month, day: day)
        guard (2000...2200).contains(year), let parsed = calendar.date(from: components) else {
            throw invalid(entry, "checked date '\(date)' is not a calendar date")
        }
        let back = calendar.dateComponents([.year, .month, .day], from: parsed)
        guard back.year == year, back.month == month, back.day == day else {
            throw invalid(entry, "checked date '\(date)' is not a calendar date")
        }
        guard parsed <= Date().addingTimeInterval(86_400) else {
            throw invalid(entry, "checked date '\(date)' is in the future")
        }
    }
}
