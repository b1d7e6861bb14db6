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
    /// A reading may choose a fixed answer (for contexts with `answer_on_reading`) only when that context's own
    /// probability reaches this: a message the classifier is torn about ("is it ok if I don't reply right away?",
    /// split between a diagnosis, a risky plan and a medication question) only tightens the reply rules.
    let answerThreshold: Double
    /// Per class (classes.count).
    let bias: [Double]
    let probes: [ClassifierProbe]
    /// Base64 of the weight records (see `HashedLinearModel.init(buckets:bias:packedWeights:)`).
    let weights: String

    enum CodingKeys: String, CodingKey {
        case version, buckets, classes, threshold, bias, probes, weights
        case answerThreshold = "answer_threshold"
    }
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
    private let answerThreshold: Double
    private let model: HashedLinearModel

    /// What the classifier read a message as: a context (index into `contexts`), and whether the reading is sure
    /// enough (`answer_threshold`) to choose that context's fixed answer.
    struct Reading: Equatable {
        let context: Int
        let sure: Bool
    }

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
        guard file.answerThreshold >= 0.5, file.answerThreshold < 1 else {
            throw invalid("answer_threshold", "must be in [0.5, 1)")
        }
        answerThreshold = file.answerThreshold
        do {
            try ClassifierProbe.check(file.probes, probabilityOfNone)
        } catch {
            throw invalid(error.entry, error.problem)
        }
    }

    /// What the message asks for, or nil when it reads as none of the contexts.
    func reading(of message: String) -> Reading? {
        var hashes = OutputClassifier.featureHashes(message)
        let scores = model.logits(&hashes)
        guard 1 - HashedLinearModel.probability(of: 0, scores) >= threshold else { return nil }
        let top = HashedLinearModel.topHarmClass(scores)
        return Reading(context: top - 1, sure: HashedLinearModel.probability(of: top, scores) >= answerThreshold)
    }

    /// p(none) for `text` (load-time probe check).
    func probabilityOfNone(_ text: String) -> Double {
        var hashes = OutputClassifier.featureHashes(text)
        return HashedLinearModel.probability(of: 0, model.logits(&hashes))
    }
}
