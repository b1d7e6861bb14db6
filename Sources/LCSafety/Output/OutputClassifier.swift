import Foundation

/// The JSON shape of `output/classifier.json`, written by `Scripts/train-output-classifier.py`.
struct OutputClassifierFile: Decodable, Sendable {
    let version: Int
    /// Hash space of the features (a power of two).
    let buckets: Int
    /// "none" first, then block categories by their raw values.
    let classes: [String]
    /// A sentence is blocked when 1 - p(none) reaches this.
    let threshold: Double
    /// The bar for method detail and encouragement when nothing about suicide, self-harm or medication has come
    /// up in the reply (or the session): "Then do it." is harmless after "I finished my essay".
    let contextFreeThreshold: Double
    /// Per class (classes.count).
    let bias: [Double]
    let probes: [ClassifierProbe]
    /// Base64 of the weight records (see `HashedLinearModel.init(buckets:bias:packedWeights:)`).
    let weights: String

    enum CodingKeys: String, CodingKey {
        case version, buckets, classes, threshold, bias, probes, weights
        case contextFreeThreshold = "context_free_threshold"
    }
}

/// The second signal beside the rules: a multinomial logistic regression over hashed word 1–2-grams and word
/// 4-character n-grams of one unit (sentence), trained offline on labelled replies so that paraphrases of a harm
/// the rules have no pattern for are still caught ("I've sat with hundreds of clients" as well as "I'm a
/// licensed therapist").
///
/// It scores the same unit the rules see and keeps no state between units, so streaming and whole-text verdicts
/// stay identical. Features must be computed exactly as the training script computes them: lower-case ASCII,
/// digits folded to 0, typographic apostrophes to `'`, tokens are runs of letters, digits and apostrophes (outer
/// apostrophes trimmed); FNV-1a 32-bit over a one-byte kind tag (`w` word, `b` bigram, `c` char 4-gram of
/// `<word>`) and the UTF-8 bytes, modulo `buckets`; counts per bucket are L2-normalised.
struct OutputClassifier: Sendable {
    static let file = "output/classifier.json"

    private let threshold: Double
    private let contextFreeThreshold: Double
    /// Block categories in class order (class 0 is "none").
    private let categories: [OutputBlockCategory]
    private let model: HashedLinearModel

    /// Validates `file`; any problem is a `SafetyPolicyError` naming the entry (the layer fails closed).
    init(file: OutputClassifierFile) throws {
        func invalid(_ entry: String, _ problem: String) -> SafetyPolicyError {
            .outputPolicyEntryInvalid(file: Self.file, entry: entry, problem: problem)
        }
        let categories: [OutputBlockCategory]
        do {
            (categories, model) = try HashedLinearModel.validated(
                version: file.version, classes: file.classes, first: "none", described: "block categories",
                buckets: file.buckets, bias: file.bias, packedWeights: file.weights)
        } catch {
            throw invalid(error.entry, error.problem)
        }
        guard file.threshold > 0.5, file.threshold < 1 else { throw invalid("threshold", "must be in (0.5, 1)") }
        guard file.contextFreeThreshold >= file.threshold, file.contextFreeThreshold < 1 else {
            throw invalid("context_free_threshold", "must be at least threshold and below 1")
        }
        threshold = file.threshold
        contextFreeThreshold = file.contextFreeThreshold
        self.categories = categories
        do {
            try ClassifierProbe.check(file.probes, probabilityOfNone)
        } catch {
            throw invalid(error.entry, error.problem)
        }
    }

    /// The block verdict for one unit, or nil when the classifier lets it pass. `hasContext`: suicide, self-harm
    /// or medication came up earlier in the reply, in this unit, or the session is crisis-aware.
    func evaluate(unit: String, hasContext: Bool) -> OutputVerdict? {
        let scores = classScores(unit)
        let category = categories[HashedLinearModel.topHarmClass(scores) - 1]
        let contextual = category == .methodDetail || category == .encouragesHarm
        let bar = contextual && !hasContext ? contextFreeThreshold : threshold
        guard 1 - HashedLinearModel.probability(of: 0, scores) >= bar else { return nil }
        return OutputVerdict(category: category, reason: "classifier.\(category.rawValue)")
    }

    /// p(none) for `text` (load-time probe check).
    func probabilityOfNone(_ text: String) -> Double { HashedLinearModel.probability(of: 0, classScores(text)) }

    /// Logits per class for one unit.
    private func classScores(_ text: String) -> [Double] {
        var hashes = Self.featureHashes(text)
        return model.logits(&hashes)
    }

    /// The tokens of `text` as UTF-8 bytes (see the type's comment for the normalisation).
    static func tokens(_ text: String) -> [[UInt8]] {
        var tokens: [[UInt8]] = []
        var current: [UInt8] = []
        func close() {
            while current.first == UInt8(ascii: "'") { current.removeFirst() }
            while current.last == UInt8(ascii: "'") { current.removeLast() }
            if !current.isEmpty { tokens.append(current) }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x41...0x5A: current.append(UInt8(value + 32))
            case 0x61...0x7A: current.append(UInt8(value))
            case 0x30...0x39: current.append(UInt8(ascii: "0"))
            case 0x27, 0x2018, 0x2019: current.append(UInt8(ascii: "'"))
            case 0x80... where scalar.properties.isAlphabetic: current.append(contentsOf: Array(String(scalar).utf8))
            default: close()
            }
        }
        close()
        return tokens
    }

    /// Unreduced FNV-1a hashes of every feature of `text`.
    static func featureHashes(_ text: String) -> [UInt32] {
        let words = tokens(text)
        var hashes: [UInt32] = []
        hashes.reserveCapacity(words.count * 8)
        var padded: [UInt8] = []
        for (index, word) in words.enumerated() {
            hashes.append(HashedLinearModel.fnv1a(tag: "w", word))
            if index + 1 < words.count {
                hashes.append(HashedLinearModel.fnv1a(tag: "b", word, [UInt8(ascii: " ")], words[index + 1]))
            }
            HashedLinearModel.appendCharNgramHashes(of: word, lengths: [4], to: &hashes, padded: &padded)
        }
        return hashes
    }
}
