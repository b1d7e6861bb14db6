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

    /// One blocking rule: fires on a unit when any pattern matches, none of `unless` matches, and the required
    /// context (if any) has been seen.
    struct Rule: Decodable, Sendable {
        let id: String
        let category: String
        let patterns: [String]
        let unless: [String]?
        let requiresContext: String?
        let note: String?

        enum CodingKeys: String, CodingKey {
            case id, category, patterns, unless, note
            case requiresContext = "requires_context"
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
    let rules: [Rule]
    let detectors: [Detector]
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
