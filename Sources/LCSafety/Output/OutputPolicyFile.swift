import Foundation

/// The JSON shape of `output/rules.json`, as a clinic edits it. Validated and compiled by `OutputRuleSet`.
struct OutputPolicyFile: Decodable, Sendable {
    /// Stream hold-back bounds, in Unicode scalars.
    struct Stream: Decodable, Sendable {
        /// Longest unit (sentence) held back before a forced cut; also the longest text ever evaluated at once.
        let maxHoldScalars: Int
        /// How much of a force-cut unit stays held (and is evaluated again with what follows), so that any match
        /// shorter than this is never partly shown. Must exceed the longest match a pattern can make in practice.
        let overlapScalars: Int

        enum CodingKeys: String, CodingKey {
            case maxHoldScalars = "max_hold_scalars"
            case overlapScalars = "overlap_scalars"
        }
    }

    /// A named set of patterns whose presence anywhere earlier in the reply (or in the current unit) enables rules
    /// that would be ambiguous on their own ("take all of them" only after talk of suicide).
    struct Context: Decodable, Sendable {
        let id: String
        let patterns: [String]
    }

    /// A named set of patterns matched against the user's message the reply answers. Rules marked `requires_prompt`
    /// apply only after such a message ("No, that's not a problem." is harmful after "I drink every night to cope.
    /// Is that a problem?" and not after "Is it rude to leave early?"); `enables` names reply contexts the message
    /// switches on from the reply's first sentence (a question about doses makes a bare "150 mg" a dose).
    struct PromptContext: Decodable, Sendable {
        let id: String
        let patterns: [String]
        let enables: [String]?
        /// Patterns that cancel the context for a message ("the crisis line's number" is not someone's details).
        let unless: [String]?
        /// A block category whose reviewed fallback text answers such a message in place of the model (a dose or a
        /// diagnosis the model must not give). Absent: the model answers and its reply is filtered.
        let answerWith: String?
        /// Whether the learned reading (`prompt-classifier.json`) may choose the fixed answer too, not only a
        /// phrase-list match: for answers gentle enough to give to the few harmless messages it misreads.
        /// Absent or false: only `patterns` choose it.
        let answerOnReading: Bool?
        let note: String?

        enum CodingKeys: String, CodingKey {
            case id, patterns, enables, unless, note
            case answerWith = "answer_with"
            case answerOnReading = "answer_on_reading"
        }
    }

    /// One blocking rule: fires on a unit when any pattern matches, none of `unless` matches, the required
    /// context (if any) has been seen, and the user's message showed the required prompt context (if any).
    struct Rule: Decodable, Sendable {
        let id: String
        let category: String
        let patterns: [String]
        let unless: [String]?
        let requiresContext: String?
        let requiresPrompt: String?
        let note: String?

        enum CodingKeys: String, CodingKey {
            case id, category, patterns, unless, note
            case requiresContext = "requires_context"
            case requiresPrompt = "requires_prompt"
        }
    }

    /// A built-in detector (phone numbers, e-mail addresses) checked against the contact allowlist.
    struct Detector: Decodable, Sendable {
        let id: String
        let kind: String
        let category: String
        let minDigits: Int?

        enum CodingKeys: String, CodingKey {
            case id, kind, category
            case minDigits = "min_digits"
        }
    }

    let version: Int
    let stream: Stream
    /// Word lists referenced from patterns as `{name}`; each expands to an escaped alternation.
    let lexicons: [String: [String]]
    let contexts: [Context]
    /// Optional: contexts read from the user's message rather than the reply.
    let promptContexts: [PromptContext]?
    let rules: [Rule]
    let detectors: [Detector]

    enum CodingKeys: String, CodingKey {
        case version, stream, lexicons, contexts, rules, detectors
        case promptContexts = "prompt_contexts"
    }
}

/// The JSON shape of `output/contacts-allowlist.json`: contacts that are never a third party's personal data.
/// Every number and e-mail address in `protocol/helplines.json` is allowed too, without being listed here.
struct ContactAllowlistFile: Decodable, Sendable {
    let phoneNumbers: [String]
    let emailAddresses: [String]
    let emailDomains: [String]

    enum CodingKeys: String, CodingKey {
        case phoneNumbers = "phone_numbers"
        case emailAddresses = "email_addresses"
        case emailDomains = "email_domains"
    }
}
