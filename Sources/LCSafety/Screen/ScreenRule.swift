/// What a rule in a screen policy file is for.
enum ScreenRuleRole: Sendable, Equatable {
    /// Evidence of a crisis of this category.
    case crisis(CrisisCategory)
    /// A figure of speech ("this exam is killing me"): crisis matches overlapping it are dropped.
    case idiom
    /// A framing that makes the clause not about the writer's present (fiction, news, education, resolved past,
    /// grief): crisis matches in the same clause are dropped unless the rule is marked `!`.
    case context
    /// A general question: drops only `weak` crisis matches in the same clause.
    case question
    /// A phrase in which a negation word does not negate ("can't stop", "no longer").
    case breaker
    /// Starts a new clause for guard scoping ("..., and I", "but I"), so a guard before it cannot swallow a crisis
    /// after it.
    case boundary
    /// The subject is the writer ("i", "yo", "ich").
    case subjectSelf
    /// The subject is someone else ("my friend", "she"): the crisis becomes `third_party`.
    case subjectOther

    /// The section name used in policy files.
    static func named(_ name: String) -> ScreenRuleRole? {
        switch name {
        case "idiom": return .idiom
        case "context": return .context
        case "question": return .question
        case "breaker": return .breaker
        case "boundary": return .boundary
        case "subject-self": return .subjectSelf
        case "subject-other": return .subjectOther
        default: return nil
        }
    }
}

/// Flags written after a crisis rule's id.
struct ScreenRuleFlags: OptionSet, Sendable {
    let rawValue: UInt8
    /// `!`: immediate or recurring danger; context guards cannot drop it.
    static let overrideContext = ScreenRuleFlags(rawValue: 1 << 0)
    /// `now`: danger in progress; the verdict's `inProgress`.
    static let now = ScreenRuleFlags(rawValue: 1 << 1)
    /// `ask`: indirect evidence; the verdict's `needsClarification` when nothing stronger matched.
    static let ask = ScreenRuleFlags(rawValue: 1 << 2)
    /// `weak`: a bare topic word; a question about it is not a crisis.
    static let weak = ScreenRuleFlags(rawValue: 1 << 3)
    /// `self`: the pattern itself fixes the writer as the one at risk; no subject look-back.
    static let selfSubject = ScreenRuleFlags(rawValue: 1 << 4)
    /// `noneg`: the pattern carries its own negation; no negation look-back.
    static let noNegation = ScreenRuleFlags(rawValue: 1 << 5)
    /// `mine`: survives only when the nearest subject before it is the writer ("I ... die", not "the plant ... die").
    static let mine = ScreenRuleFlags(rawValue: 1 << 6)

    static func named(_ name: String) -> ScreenRuleFlags? {
        switch name {
        case "!": return .overrideContext
        case "now": return .now
        case "ask": return .ask
        case "weak": return .weak
        case "self": return .selfSubject
        case "noneg": return .noNegation
        case "mine": return .mine
        default: return nil
        }
    }
}

/// One compiled rule.
struct ScreenRule: Sendable {
    /// Qualified id, `<lang>.<id>`, used as the verdict's reason.
    let id: String
    let role: ScreenRuleRole
    let flags: ScreenRuleFlags
    let program: PatternProgram
}
