import Foundation

/// The crisis screen's learned second signal: a multinomial logistic regression (class "ok" plus the crisis
/// categories) over hashed words, word pairs and character n-grams of the normalised message, trained offline by
/// `Scripts/train-screen-classifier.py` so that wording no rule knows can still be caught.
///
/// It sees the tokens `TextNormalizer` produces (the same the rules start from) and scores several units: each
/// sentence, and the whole message when it has more than one — so a crisis sentence buried in a long message
/// still scores high. Sentences the rules' guards explicitly cleared (an idiom, a negation, a fiction/news/grief
/// framing, a general question over a rule match) are left out, so the classifier does not overturn them.
/// Features: `w` + word, `b` + word + " " + next word (within a sentence, pause markers dropped, `<?>` kept as a
/// word), `c` + each character n-gram of `<word>` for the file's lengths (not for `<?>`).
struct ScreenClassifier: Sendable {
    static let file = "screen/classifier.json"

    /// What the classifier concluded about a message.
    struct Score: Sendable {
        /// Highest 1 - p(ok) over the units scored.
        let crisisProbability: Double
        /// The most probable crisis category of that unit.
        let category: CrisisCategory
    }

    /// A unit is a crisis from this score on.
    let threshold: Double
    private let charNgrams: [Int]
    /// Crisis categories in class order (class 0 is "ok").
    private let categories: [CrisisCategory]
    private let model: HashedLinearModel

    /// Validates `file`; any problem is a `SafetyPolicyError` naming the entry (the screen fails closed).
    init(file: ScreenClassifierFile) throws {
        func invalid(_ entry: String, _ problem: String) -> SafetyPolicyError {
            .screenClassifierInvalid(file: Self.file, entry: entry, problem: problem)
        }
        let categories: [CrisisCategory]
        do {
            (categories, model) = try HashedLinearModel.validated(
                version: file.version, classes: file.classes, first: "ok", described: "crisis categories",
                buckets: file.buckets, bias: file.bias, packedWeights: file.weights)
        } catch {
            throw invalid(error.entry, error.problem)
        }
        guard !file.charNgrams.isEmpty, file.charNgrams.allSatisfy({ (2...8).contains($0) }),
              Set(file.charNgrams).count == file.charNgrams.count else {
            throw invalid("char_ngrams", "must be distinct lengths from 2 to 8")
        }
        guard file.threshold >= 0.5, file.threshold < 1 else { throw invalid("threshold", "must be in [0.5, 1)") }
        threshold = file.threshold
        charNgrams = file.charNgrams
        self.categories = categories
        guard !file.probes.isEmpty else { throw invalid("probes", "at least one probe is needed to check the features") }
        for (index, probe) in file.probes.enumerated() {
            let tokens = TextNormalizer.tokens(probe.text)
            guard tokens.joined(separator: " ") == probe.tokens else {
                throw invalid("probes[\(index)]", "normalises differently here: the training script's normaliser is out of step with TextNormalizer")
            }
            let score = score(tokens, cleared: []).crisisProbability
            guard abs(score - probe.pCrisis) <= 1e-4 else {
                throw invalid("probes[\(index)]", "scores \(String(format: "%.6f", score)) here, not \(probe.pCrisis): the file does not match this code's features")
            }
        }
    }

    /// Scores normalised `tokens` (from `TextNormalizer.tokens`); `cleared` holds 0-based sentence indices the
    /// rules' guards cleared, which are not scored (nor is the whole message when any sentence was cleared).
    func score(_ tokens: [String], cleared: Set<Int>) -> Score {
        var sentences: [[UInt32]] = []      // feature hashes per sentence
        var words: [[UInt8]] = []
        var index = -1
        func close() {
            if index >= 0, !words.isEmpty, !cleared.contains(index) { sentences.append(hashes(words)) }
            words.removeAll(keepingCapacity: true)
        }
        for token in tokens {
            if token == TextNormalizer.sentenceStart {
                close()
                index += 1
            } else if token != TextNormalizer.pause {
                words.append(Array(token.utf8))
            }
        }
        close()
        var best = (probability: -1.0, category: categories[0])
        func consider(_ hashes: inout [UInt32]) {
            let logits = model.logits(&hashes)
            let probability = 1 - HashedLinearModel.probability(of: 0, logits)
            if probability > best.probability {
                best = (probability, categories[HashedLinearModel.topHarmClass(logits) - 1])
            }
        }
        if sentences.count > 1, cleared.isEmpty {
            var whole = sentences.flatMap { $0 }
            consider(&whole)
        }
        for k in sentences.indices { consider(&sentences[k]) }
        return Score(crisisProbability: max(best.probability, 0), category: best.category)
    }

    /// Unreduced feature hashes of one sentence's words.
    private func hashes(_ words: [[UInt8]]) -> [UInt32] {
        let question = Array(TextNormalizer.questionMark.utf8)
        var out: [UInt32] = []
        out.reserveCapacity(words.count * 16)
        var padded: [UInt8] = []
        for (k, word) in words.enumerated() {
            out.append(HashedLinearModel.fnv1a(tag: "w", word))
            if k + 1 < words.count {
                out.append(HashedLinearModel.fnv1a(tag: "b", word, [UInt8(ascii: " ")], words[k + 1]))
            }
            if word == question { continue }
            HashedLinearModel.appendCharNgramHashes(of: word, lengths: charNgrams, to: &out, padded: &padded)
        }
        return out
    }
}
