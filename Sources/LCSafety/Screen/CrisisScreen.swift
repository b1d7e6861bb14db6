import Foundation

/// Decides, before a user message reaches the model, whether it is a crisis and of which kind.
///
/// Rules live in readable per-language files (`Policy/screen/<lang>.rules`, see `ScreenPolicyFile`) that a
/// clinic can edit; loading validates all of them and throws `SafetyPolicyError` naming the file, line and entry
/// at fault, so a caller can fail closed. Screening needs no model and no network, and takes microseconds.
///
/// How a message is judged: it is normalised once (`TextNormalizer`), then every language screens it on its own
/// token stream. A crisis rule match survives unless an idiom overlaps it, a negation word precedes it, a context
/// framing (fiction, news, a question for a class, grief, a past told as resolved) shares its clause — unless the
/// rule marks present danger — or, for bare topic words, the clause is a general question. Guards are scoped to the
/// clause, so a crisis sentence buried in a long, harmless message still fires.
///
/// When no rule fires, a learned second signal (`ScreenClassifier`, `screen/classifier.json`) scores the message
/// for wording the rules do not know; it leaves alone the sentences a rule guard explicitly cleared, and a crisis
/// it finds is reported with reason `classifier` and asks for clarification.
public struct CrisisScreen: Sendable {
    private let languages: [LanguageScreen]
    private let classifier: ScreenClassifier

    /// The screen with the policy shipped in the package.
    public static func bundled() throws -> CrisisScreen {
        guard let policy = Bundle.module.url(forResource: "Policy", withExtension: nil) else {
            throw SafetyPolicyError.policyBundleMissing
        }
        return try CrisisScreen(policyDirectory: policy)
    }

    /// Loads and validates every `screen/*.rules` file and `screen/classifier.json` under `policyDirectory` (the
    /// `Policy` folder, or a clinic's copy of it). Throws `SafetyPolicyError` on a missing folder or file, an
    /// unreadable file, any invalid line or classifier entry, or a crisis category that no rule covers.
    public init(policyDirectory: URL) throws {
        let folder = policyDirectory.appendingPathComponent("screen", isDirectory: true)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".rules") }
                .sorted()
        } catch {
            throw SafetyPolicyError.screenPolicyFileMissing(file: "screen/")
        }
        guard !names.isEmpty else { throw SafetyPolicyError.screenPolicyFileMissing(file: "screen/*.rules") }
        var languages: [LanguageScreen] = []
        for name in names {
            let relative = "screen/\(name)"
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                  let text = String(data: data, encoding: .utf8) else {
                throw SafetyPolicyError.screenPolicyFileUnreadable(file: relative)
            }
            languages.append(LanguageScreen(try ScreenPolicyFile(file: relative, text: text)))
        }
        let covered = languages.reduce(into: Set<CrisisCategory>()) { $0.formUnion($1.categories) }
        let missing = CrisisCategory.allCases.filter { !covered.contains($0) }.map(\.rawValue)
        guard missing.isEmpty else {
            throw SafetyPolicyError.screenPolicyIncomplete(problem: "no rule for \(missing.joined(separator: ", "))")
        }
        self.languages = languages
        let classifierFile = try PolicyFiles.decode(ScreenClassifierFile.self, ScreenClassifier.file,
                                                    in: policyDirectory, layer: .screen)
        classifier = try ScreenClassifier(file: classifierFile)
    }

    /// The languages the loaded policy screens, by code.
    public var languageCodes: [String] { languages.map(\.language) }

    /// Screens one user message. Never throws and never keeps the text.
    public func screen(_ text: String) -> ScreenVerdict {
        let rules = ruleVerdict(text)
        if let verdict = rules.verdict { return verdict }
        let learned = classifier.score(rules.tokens, cleared: rules.cleared)
        if learned.crisisProbability >= classifier.threshold {
            return ScreenVerdict(isCrisis: true, category: learned.category, reason: "classifier",
                                 language: likelyLanguage(rules.tokens), needsClarification: true,
                                 inProgress: learned.category == .medicalEmergency)
        }
        return ScreenVerdict(isCrisis: false, category: nil, reason: "ok", language: likelyLanguage(rules.tokens))
    }

    /// The rules' part of the screen: their crisis verdict (nil when no rule fired), the normalised tokens, and
    /// the 0-based sentences in which a guard cleared a rule match (the classifier leaves those alone).
    func ruleVerdict(_ text: String) -> (verdict: ScreenVerdict?, tokens: [String], cleared: Set<Int>) {
        let base = TextNormalizer.tokens(text)
        // Topic words ("suicide", "self harm") are judged only by the language the message is written in: its
        // guards know the framing ("en la novela ...", "log self harm kyun karte hain?").
        let markers = languages.map { $0.markerCount(base) }
        let topMarkers = markers.max() ?? 0
        var best: (finding: LanguageScreen.Finding, language: String)? = nil
        var clarify = true
        var inProgress = false
        var any = false
        var cleared: Set<Int> = []
        for (k, language) in languages.enumerated() {
            let evaluation = language.evaluate(language.stream(for: base))
            cleared.formUnion(evaluation.clearedSentences)
            for finding in evaluation.findings {
                if finding.flags.contains(.weak), markers[k] < topMarkers || (markers[k] == 0 && topMarkers > 0) { continue }
                any = true
                if !finding.flags.contains(.ask) { clarify = false }
                if finding.flags.contains(.now) || finding.category == .medicalEmergency { inProgress = true }
                if best == nil || finding.category.urgency < best!.finding.category.urgency {
                    best = (finding, language.language)
                }
            }
        }
        if let best, any {
            let verdict = ScreenVerdict(isCrisis: true, category: best.finding.category, reason: best.finding.ruleId,
                                        language: best.language, needsClarification: clarify, inProgress: inProgress)
            return (verdict, base, cleared)
        }
        return (nil, base, cleared)
    }

    /// The language with the most marker words in the message, or nil when none has any.
    private func likelyLanguage(_ base: [String]) -> String? {
        var best: (String, Int)? = nil
        for language in languages {
            let count = language.markerCount(base)
            if count > 0, best == nil || count > best!.1 { best = (language.language, count) }
        }
        return best?.0
    }
}
