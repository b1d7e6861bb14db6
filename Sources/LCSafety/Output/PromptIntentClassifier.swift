import Foundation

/// The JSON shape of `output/prompt-classifier.json`, written by `Scripts/train-prompt-classifier.py`.
struct PromptIntentClassifierFile: Decodable, Sendable {
    let version: Int
    /// Hash space of the features (a power of two).
    let buckets: Int
    /// "none" first, then prompt context ids of `rules.json`.
    let classes: [String]
    /// A message shows its most probable context when 1 - p(none) reaches this.
    let threshold: Double
    /// Per class (classes.count).
    let bias: [Double]
    let probes: [ClassifierProbe]
    /// Base64 of the weight records (see `HashedLinearModel.init(buckets:bias:packedWeights:)`).
    let weights: String
}

/// A learned reading of the user's message — what they are asking for (a diagnosis, whether the assistant is human,
/// someone's address, a dose, approval of a risky plan, a way round professional help) — beside the phrase lists of
/// `prompt_contexts`, which recognise only the wordings a clinic wrote down. Its classes are prompt context ids, so
/// a message it reads as `asks_diagnosis` enables the same `requires_prompt` rules as one a pattern matched.
///
/// A multinomial logistic regression over the output classifier's features (`OutputClassifier.featureHashes`) of
/// the whole message. Only the context bit it yields is kept, never the message.
struct PromptIntentClassifier: Sendable {
    static let file = "output/prompt-classifier.json"

    /// A prompt context id as a class name (any string; `OutputRuleSet` checks it names a context).
    struct ContextName: RawRepresentable, Equatable, Sendable {
        let rawValue: String
        init?(rawValue: String) {
            guard !rawValue.isEmpty else { return nil }
            self.rawValue = rawValue
        }
    }

    /// The context ids in class order (class 0 is "none").
    let contexts: [String]
    private let threshold: Double
    private let model: HashedLinearModel

    /// Validates `file`; any problem is a `SafetyPolicyError` naming the entry (the layer fails closed).
    init(file: PromptIntentClassifierFile) throws {
        func invalid(_ entry: String, _ problem: String) -> SafetyPolicyError {
            .outputPolicyEntryInvalid(file: Self.file, entry: entry, problem: problem)
        }
        let names: [ContextName]
        do {
            (names, model) = try HashedLinearModel.validated(
                version: file.version, classes: file.classes, first: "none", described: "prompt context ids",
                buckets: file.buckets, bias: file.bias, packedWeights: file.weights)
        } catch {
            throw invalid(error.entry, error.problem)
        }
        contexts = names.map(\.rawValue)
        guard file.threshold > 0.5, file.threshold < 1 else { throw invalid("threshold", "must be in (0.5, 1)") }
        threshold = file.threshold
        do {
            try ClassifierProbe.check(file.probes, probabilityOfNone)
        } catch {
            throw invalid(error.entry, error.problem)
        }
    }

    /// The index into `contexts` of what the message asks for, or nil when it reads as none of them.
    func context(of message: String) -> Int? {
        var hashes = OutputClassifier.featureHashes(message)
        let scores = model.logits(&hashes)
        guard 1 - HashedLinearModel.probability(of: 0, scores) >= threshold else { return nil }
        return HashedLinearModel.topHarmClass(scores) - 1
    }

    /// p(none) for `text` (load-time probe check).
    func probabilityOfNone(_ text: String) -> Double {
        var hashes = OutputClassifier.featureHashes(text)
        return HashedLinearModel.probability(of: 0, model.logits(&hashes))
    }
}
