/// What a session reports while answering one message, in order: any safety event, text pieces, then exactly
/// one `.completed` (unless the stream throws).
public enum ChatEvent: Sendable, Equatable {
    /// A piece of the reply, safe to show now.
    case text(String)
    /// The message was screened as a crisis: the model was not asked; the following text is the reviewed crisis
    /// response. An app may alert staff here (the notice holds no message text).
    case crisisDetected(CrisisNotice)
    /// The output filter blocked the model's reply; the following text is a safe fallback.
    case outputBlocked(SafetyCategory)
    /// The message asked for something the model must not give (a dose, a diagnosis, whether it is human,
    /// someone's details): the model was not asked; the following text is the reviewed answer for that category.
    case requestDeclined(SafetyCategory)
    /// The reply ended.
    case completed(ReplyStopReason, ReplyStatistics)
}

/// Details of a crisis detection, without message text.
public struct CrisisNotice: Sendable, Equatable {
    /// The screen's category.
    public var category: SafetyCategory?
    /// The session had already answered a crisis earlier.
    public var followUp: Bool
    /// The message was unclear and the response asks directly.
    public var needsClarification: Bool
    /// Danger is in progress; the response leads with the emergency number.
    public var inProgress: Bool
    /// Creates a notice.
    public init(category: SafetyCategory?, followUp: Bool, needsClarification: Bool, inProgress: Bool) {
        self.category = category
        self.followUp = followUp
        self.needsClarification = needsClarification
        self.inProgress = inProgress
    }
}
