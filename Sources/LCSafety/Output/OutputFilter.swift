import Foundation

/// Screens assistant replies before they are shown: blocks method detail, medication advice, diagnoses, claims to
/// be human or licensed, sexual content, encouragement of harm, discouragement of help and third parties' personal
/// data, while letting safe replies that talk about suicide and point to a helpline through.
///
/// Crisis words are not the signal (SAFETY.md "Peers"): rules match the harmful statement itself, sentence by
/// sentence (see `OutputStreamFilter` for how streaming and whole-text evaluation agree), and a small trained
/// classifier (`OutputClassifier`) scores each sentence the rules let pass, for paraphrases no rule knows. Both
/// are data in `Policy/output/`, validated at load; a problem throws, so a chat cannot run with a half-loaded filter.
public struct OutputFilter: Sendable {
    private let rules: OutputRuleSet

    /// The filter built from the policy shipped with the package.
    public static func bundled() throws -> OutputFilter {
        try OutputFilter(policyDirectory: PolicyFiles.bundledDirectory())
    }

    /// Loads and validates `output/rules.json`, `output/classifier.json`, `output/prompt-classifier.json`,
    /// `output/contacts-allowlist.json` and
    /// (for the numbers that are never personal data) `protocol/helplines.json` under `policyDirectory`.
    public init(policyDirectory: URL) throws {
        let policy = try PolicyFiles.decode(
            OutputPolicyFile.self, OutputRuleSet.rulesFile, in: policyDirectory, layer: .output)
        let allowFile = try PolicyFiles.decode(
            ContactAllowlistFile.self, ContactAllowlist.file, in: policyDirectory, layer: .output)
        let helplines = try HelplineTable(policyDirectory: policyDirectory)
        let allowlist = try ContactAllowlist(
            file: allowFile, helplinePhones: helplines.allPhoneNumbers, helplineEmails: helplines.allEmailAddresses)
        let classifierFile = try PolicyFiles.decode(
            OutputClassifierFile.self, OutputClassifier.file, in: policyDirectory, layer: .output)
        let promptClassifierFile = try PolicyFiles.decode(
            PromptIntentClassifierFile.self, PromptIntentClassifier.file, in: policyDirectory, layer: .output)
        rules = try OutputRuleSet(
            policy: policy, allowlist: allowlist, classifier: try OutputClassifier(file: classifierFile),
            promptClassifier: try PromptIntentClassifier(file: promptClassifierFile))
    }

    /// A filter over an already compiled rule set (tests compare gated and ungated rule sets).
    init(rules: OutputRuleSet) {
        self.rules = rules
    }

    /// The verdict on a complete reply — the same one streaming it through `makeStream()` reaches.
    /// - Parameters:
    ///   - prompt: the user's message the reply answers, when known. Some replies are harmful only as an answer:
    ///     "No, that's not a problem." to "I drink every night to cope. Is that a problem?", "Yes." to "Do I have
    ///     ADHD?". Rules marked `requires_prompt` in `rules.json` apply only when the message shows their prompt
    ///     context; the message is read once and not kept.
    ///   - crisisContext: the session is crisis-aware (the input screen flagged an earlier message), so
    ///     rules that need talk of suicide or self-harm apply from the first sentence: "Then do it." is harmless
    ///     after "I finished my essay" and not after "I want to die".
    public func evaluate(_ reply: String, prompt: String? = nil, crisisContext: Bool = false) -> OutputVerdict {
        var stream = makeStream(prompt: prompt, crisisContext: crisisContext)
        return stream.verdict(ofWhole: reply)
    }

    /// The prompt-context bits the user's message shows (tests measure how well messages are read).
    func promptFlags(for prompt: String) -> UInt64 { rules.promptState(for: prompt).promptFlags }

    /// When the user's message asks for something the model must not give — a dose, a diagnosis, whether it is
    /// human, someone's address (a prompt context with `answer_with` in `rules.json`) — the block category whose
    /// reviewed fallback text should answer it instead of the model; nil when the model may answer. A stream made
    /// for the same message carries the same answer (`OutputStreamFilter.fixedAnswerCategory`).
    public func fixedAnswerCategory(for message: String) -> OutputBlockCategory? {
        rules.promptState(for: message).answerWith
    }

    /// A fresh stream filter for one reply; `prompt` and `crisisContext` as for `evaluate`.
    public func makeStream(prompt: String? = nil, crisisContext: Bool = false) -> OutputStreamFilter {
        OutputStreamFilter(rules: rules, prompt: prompt, crisisContext: crisisContext)
    }
}
