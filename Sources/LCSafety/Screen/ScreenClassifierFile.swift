/// The JSON shape of `screen/classifier.json`, written by `Scripts/train-screen-classifier.py`.
struct ScreenClassifierFile: Decodable, Sendable {
    /// A message, its tokens as the training script's normaliser produced them, and the crisis score the script
    /// computed. Checked at load: a file whose normaliser, features or weights disagree with this code is refused
    /// instead of silently scoring differently.
    struct Probe: Decodable, Sendable {
        let text: String
        /// `TextNormalizer.tokens(text)` joined by single spaces.
        let tokens: String
        let pCrisis: Double

        enum CodingKeys: String, CodingKey {
            case text, tokens
            case pCrisis = "p_crisis"
        }
    }

    let version: Int
    /// Hash space of the features (a power of two).
    let buckets: Int
    /// Lengths of the character n-grams taken inside `<word>` (for example `[3, 4, 5]`).
    let charNgrams: [Int]
    /// "ok" first, then crisis categories by their raw values.
    let classes: [String]
    /// A unit is a crisis when 1 - p(ok) reaches this.
    let threshold: Double
    /// Per class (classes.count).
    let bias: [Double]
    let probes: [Probe]
    /// Base64 of the weight records (see `HashedLinearModel.init(buckets:bias:packedWeights:)`).
    let weights: String

    enum CodingKeys: String, CodingKey {
        case version, buckets, classes, threshold, bias, probes, weights
        case charNgrams = "char_ngrams"
    }
}
