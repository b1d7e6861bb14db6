/// A safety category by name (the safety layer's own category identifiers, e.g. "suicidal_ideation",
/// "method_detail"). A string so the facade does not tie embedders to one policy version.
public struct SafetyCategory: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The category identifier.
    public let rawValue: String
    /// Wraps an identifier.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The identifier.
    public var description: String { rawValue }
}

/// What the input screen decided about one user message.
public struct CrisisAssessment: Sendable, Equatable {
    /// True when the message shows a crisis: the model must not be asked.
    public var isCrisis: Bool
    /// Which kind of crisis (nil when none).
    public var category: SafetyCategory?
    /// The message was unclear: the response should ask directly.
    public var needsClarification: Bool
    /// Danger is happening now (e.g. an overdose taken): the response leads with the emergency number.
    public var inProgress: Bool
    /// The message's language as the screen judged it (ISO 639-1, e.g. "es"), for the response's language.
    public var language: String?
    /// Creates an assessment.
    public init(isCrisis: Bool, category: SafetyCategory? = nil, needsClarification: Bool = false,
                inProgress: Bool = false, language: String? = nil) {
        self.isCrisis = isCrisis
        self.category = category
        self.needsClarification = needsClarification
        self.inProgress = inProgress
        self.language = language
    }
}

/// Decides, before a message is tokenized, whether it shows a crisis.
public protocol CrisisScreening: Sendable {
    /// Screens one user message; throwing means the layer failed, and the session then fails closed.
    func assess(_ text: String) throws -> CrisisAssessment
}

/// What the streaming output filter says about the text pushed so far.
public enum ReplyFilterEvent: Sendable, Equatable {
    /// Text that can no longer become part of a blocked span: safe to show (may be empty).
    case emit(String)
    /// A blocked span was found; nothing of it was emitted. The reply must stop.
    case blocked(SafetyCategory)
}

/// One reply's streaming output filter (holds back text until no blocked pattern can still complete).
public protocol ReplyFilter {
    /// Adds generated text.
    mutating func push(_ piece: String) -> ReplyFilterEvent
    /// Ends the reply: returns the held-back text if it is safe.
    mutating func finish() -> ReplyFilterEvent
    /// When the message this filter was made for asks for something the model must not give (a dose, a diagnosis,
    /// whether it is human, someone's details), the category whose reviewed fallback answers it instead of the
    /// model; nil when the model may answer.
    var declinedCategory: SafetyCategory? { get }
}

extension ReplyFilter {
    /// By default every message that is not a crisis goes to the model (and its reply through the filter).
    public var declinedCategory: SafetyCategory? { nil }
}

/// What an output filter may know about the reply it filters. Held only for that reply, never logged.
public struct ReplyContext: Sendable {
    /// The user's message the reply answers: some replies are harmful only as an answer ("No, that's not a
    /// problem." to "I drink every night to cope. Is that a problem?").
    public let userMessage: String
    /// The session already answered a crisis, so ambiguous wording ("Then do it.") is read in that light.
    public let crisisAware: Bool

    /// A context for one reply.
    public init(userMessage: String, crisisAware: Bool) {
        self.userMessage = userMessage
        self.crisisAware = crisisAware
    }
}

/// Makes a fresh output filter for each reply.
public protocol ReplyFiltering: Sendable {
    /// A filter for one reply to `context.userMessage` (which it may also decline, see `declinedCategory`).
    func makeReplyFilter(for context: ReplyContext) -> any ReplyFilter
}

/// The reviewed texts a session shows instead of model output.
public protocol CrisisResponding: Sendable {
    /// The crisis response for a screened message; `followUp` when the session already answered a crisis.
    func crisisResponse(for assessment: CrisisAssessment, country: CountryCode?, followUp: Bool) -> String
    /// The safe text shown when the output filter blocked a reply; `language` is the user's (ISO 639-1).
    func blockedReplyFallback(for category: SafetyCategory, country: CountryCode?, language: String?) -> String
}

/// The three safety parts a session needs. A session cannot be opened without one (fail closed).
public struct SafetyLayer: Sendable {
    /// Screens user messages.
    public let screen: any CrisisScreening
    /// Filters model output.
    public let filter: any ReplyFiltering
    /// Supplies crisis responses and fallbacks.
    public let responder: any CrisisResponding

    /// Assembles a layer from its parts (tests and embedders with their own policy).
    public init(screen: any CrisisScreening, filter: any ReplyFiltering, responder: any CrisisResponding) {
        self.screen = screen
        self.filter = filter
        self.responder = responder
    }
}
