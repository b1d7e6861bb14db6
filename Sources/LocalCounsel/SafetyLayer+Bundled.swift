import Foundation

/// The shipped `LCSafety.CrisisScreen` as the session's input screen.
extension CrisisScreen: CrisisScreening {
    /// Screens with the loaded policy (never throws; the policy was validated at load).
    public func assess(_ text: String) throws -> CrisisAssessment {
        let v = screen(text)
        return CrisisAssessment(isCrisis: v.isCrisis, category: v.category.map { SafetyCategory(rawValue: $0.rawValue) },
                                needsClarification: v.needsClarification, inProgress: v.inProgress,
                                language: v.language)
    }
}

/// The shipped `LCSafety.OutputFilter` as the session's reply filter.
extension OutputFilter: ReplyFiltering {
    /// A fresh hold-back stream for one reply, reading the user's message (once) for prompt-aware rules and for
    /// `answer_with` (a dose, a diagnosis, whether this is a human, someone's details: declined).
    public func makeReplyFilter(for context: ReplyContext) -> any ReplyFilter {
        StreamAdapter(inner: makeStream(prompt: context.userMessage, crisisContext: context.crisisAware))
    }

    private struct StreamAdapter: ReplyFilter {
        var inner: OutputStreamFilter
        var declinedCategory: SafetyCategory? {
            inner.fixedAnswerCategory.map { SafetyCategory(rawValue: $0.rawValue) }
        }
        mutating func push(_ piece: String) -> ReplyFilterEvent { Self.map(inner.push(piece)) }
        mutating func finish() -> ReplyFilterEvent { Self.map(inner.finish()) }
        static func map(_ e: OutputStreamEvent) -> ReplyFilterEvent {
            switch e {
            case let .emit(text): return .emit(text)
            case let .blocked(verdict):
                return .blocked(SafetyCategory(rawValue: verdict.category?.rawValue ?? "blocked"))
            }
        }
    }
}

/// The shipped `LCSafety.CrisisResponder` as the session's source of fixed response texts.
extension CrisisResponder: CrisisResponding {
    /// The fixed crisis response for the assessment, in the message's language where texts exist.
    public func crisisResponse(for assessment: CrisisAssessment, country: CountryCode?, followUp: Bool) -> String {
        response(category: assessment.category?.rawValue, needsClarification: assessment.needsClarification,
                 inProgress: assessment.inProgress, country: country?.rawValue, followUp: followUp,
                 language: assessment.language)
    }

    /// The fixed fallback for a blocked reply.
    public func blockedReplyFallback(for category: SafetyCategory, country: CountryCode?, language: String?) -> String {
        let verdict = OutputVerdict(category: OutputBlockCategory(rawValue: category.rawValue), reason: category.rawValue)
        return safeFallback(for: verdict, country: country?.rawValue, language: language)
    }
}

extension SafetyLayer {
    /// The policy shipped in the package: crisis screen, streaming output filter and crisis responder, each
    /// loaded and validated now. Throws (and no session opens) when any part is missing or invalid.
    public static func bundled() throws -> SafetyLayer {
        SafetyLayer(screen: try CrisisScreen.bundled(), filter: try OutputFilter.bundled(),
                    responder: try CrisisResponder.bundled())
    }
}
