/// What kind of crisis the input screen recognised in a user message.
///
/// Raw values are the stable identifiers used in policy files, in `localcounsel screen` output and in events.
public enum CrisisCategory: String, Sendable, Codable, CaseIterable {
    /// Wishing to be dead or thoughts of suicide, direct or indirect ("everyone would be better off without me").
    case suicidalIdeation = "suicidal_ideation"
    /// A plan, means, intent, timing, preparations, or goodbyes / giving things away.
    case suicidePlan = "suicide_plan"
    /// Self-injury without stated suicidal intent (cutting, burning, hitting oneself).
    case selfHarm = "self_harm"
    /// Intent or urge to hurt or kill another person.
    case harmToOthers = "harm_to_others"
    /// Abuse or violence against the user with current danger.
    case abuseDanger = "abuse_danger"
    /// Overdose, poisoning or injury in progress.
    case medicalEmergency = "medical_emergency"
    /// Voices commanding the user to hurt themselves or others.
    case commandHallucinations = "command_hallucinations"
    /// Someone else is in one of the dangers above.
    case thirdParty = "third_party"

    /// When one message matches several categories, the verdict names the most urgent one; lower is more urgent.
    /// Danger in progress first (it needs the emergency number), then acts being prepared, then states.
    var urgency: Int {
        switch self {
        case .medicalEmergency: return 0
        case .suicidePlan: return 1
        case .commandHallucinations: return 2
        case .abuseDanger: return 3
        case .harmToOthers: return 4
        case .thirdParty: return 5
        case .selfHarm: return 6
        case .suicidalIdeation: return 7
        }
    }
}
