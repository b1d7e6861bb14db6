/// The input screen's decision about one user message.
///
/// Carries no message text: `reason` is the identifier of the policy rule that decided, so a verdict can be logged
/// or counted without revealing what the user wrote.
public struct ScreenVerdict: Sendable, Equatable {
    /// True when the message must not go to the model and the crisis protocol answers instead.
    public let isCrisis: Bool
    /// The most urgent category found; nil when `isCrisis` is false.
    public let category: CrisisCategory?
    /// The id of the deciding rule (for example `en.si.want_die`), `classifier` when the learned second signal
    /// decided (no rule fired), or `ok` — never message text.
    public let reason: String
    /// The language of the deciding rule (`en`, `es`, `fr`, `de`, `hi-Latn`), or the most likely language of an
    /// ordinary message; nil when nothing identifies it.
    public let language: String?
    /// The evidence is indirect or ambiguous (always so for a `classifier` verdict): the response should ask directly
    /// ("Are you thinking about suicide?").
    public let needsClarification: Bool
    /// Danger is happening now (ingestion, injury, an attacker present): the response leads with the emergency number.
    public let inProgress: Bool

    /// Creates a verdict; the screen builds these, tests and embedding apps may too.
    public init(
        isCrisis: Bool,
        category: CrisisCategory?,
        reason: String,
        language: String?,
        needsClarification: Bool = false,
        inProgress: Bool = false
    ) {
        self.isCrisis = isCrisis
        self.category = category
        self.reason = reason
        self.language = language
        self.needsClarification = needsClarification
        self.inProgress = inProgress
    }
}
