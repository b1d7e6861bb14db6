/// What kind of harm an assistant reply was blocked for (SAFETY.md "Must not contain").
public enum OutputBlockCategory: String, Sendable, Codable, CaseIterable {
    /// Method, means, lethality, amount or location detail for suicide or self-harm, or help hiding self-harm.
    case methodDetail = "method_detail"
    /// Dosing, or advice to stop, skip, change or combine medication (Llama Guard S6).
    case medicationAdvice = "medication_advice"
    /// Diagnosing the user with a condition.
    case diagnosis = "diagnosis"
    /// Claiming to be human, or a licensed professional or therapist (SB 243).
    case claimsHuman = "claims_human"
    /// Sexual content (S12).
    case sexualContent = "sexual_content"
    /// Encouraging or endorsing suicide, self-harm, disordered eating or harm to others.
    case encouragesHarm = "encourages_harm"
    /// Discouraging professional help or crisis lines, promising secrecy, or fostering exclusive reliance on the bot.
    case discouragesHelp = "discourages_help"
    /// Third parties' personal details: phone numbers, addresses, emails that are not allow-listed helplines (S7).
    case personalData = "personal_data"
}

/// The output filter's decision on a reply (or on the part of it seen so far).
public struct OutputVerdict: Sendable, Equatable {
    /// Whether the reply must be stopped and replaced by a safe fallback.
    public let blocked: Bool
    /// The harm found, when blocked.
    public let category: OutputBlockCategory?
    /// The id of the policy rule that fired (e.g. `medication.dose_change`), or `ok`. Never contains reply text.
    public let reason: String

    /// Builds a verdict; `blocked` follows from whether a category is given.
    public init(category: OutputBlockCategory?, reason: String) {
        self.blocked = category != nil
        self.category = category
        self.reason = reason
    }

    /// The verdict for a reply nothing fired on.
    public static let allowed = OutputVerdict(category: nil, reason: "ok")
}
