import Foundation

/// A linear model over hashed sparse features: the scoring core shared by the output filter's and the crisis
/// screen's learned classifiers (`OutputClassifier`, `ScreenClassifier`), trained offline by
/// `Scripts/hashed_logreg.py`.
///
/// A feature is FNV-1a 32-bit over a one-byte kind tag and its UTF-8 bytes, reduced modulo `buckets` (a power of
/// two). The counts per bucket are L2-normalised; the logits are the bias plus each normalised count times its
/// bucket's weight row. Buckets the file does not list weigh 0, so the file stays sparse.
struct HashedLinearModel: Sendable {
    /// Why a model's numbers were refused; the caller maps it to its own `SafetyPolicyError` entry.
    struct Problem: Error {
        let entry: String
        let problem: String
    }

    /// Hash space (a power of two).
    let buckets: UInt32
    /// (classes)
    let bias: [Double]
    /// Bucket -> first index of its row in `weights`.
    private let rows: [UInt32: Int]
    /// (rows.count, classes), row-major.
    private let weights: [Double]

    /// Number of classes (logits per score).
    var classCount: Int { bias.count }

    /// Weights are stored as fixed point with this many steps per unit (four decimals, as the trainers round them).
    static let weightScale = 10_000.0

    /// Validates the numbers: a power-of-two bucket count, finite biases, and `packedWeights` — base64 of one record
    /// per listed bucket, in increasing bucket order: the bucket (UInt32, little-endian), then one weight per
    /// class as an Int32 (little-endian) in units of 1/`weightScale`. A binary blob because a 70,000-row JSON object
    /// took 0.3 s to decode at every start; this takes a few milliseconds and reads back the same numbers.
    init(buckets: Int, bias: [Double], packedWeights: String) throws(Problem) {
        guard buckets >= 1024, buckets <= 1 << 24, buckets & (buckets - 1) == 0 else {
            throw Problem(entry: "buckets", problem: "must be a power of two between 1024 and 16777216")
        }
        guard bias.count >= 2, bias.allSatisfy(\.isFinite) else {
            throw Problem(entry: "bias", problem: "needs one finite number per class")
        }
        let classCount = bias.count
        guard let data = Data(base64Encoded: packedWeights) else {
            throw Problem(entry: "weights", problem: "is not base64")
        }
        let recordBytes = 4 + 4 * classCount
        guard !data.isEmpty else { throw Problem(entry: "weights", problem: "no weights: the classifier would never fire") }
        guard data.count % recordBytes == 0 else {
            throw Problem(entry: "weights", problem: "is \(data.count) bytes, not a whole number of \(recordBytes)-byte "
                          + "records (a bucket and one weight per class)")
        }
        var rows: [UInt32: Int] = [:]
        var flat: [Double] = []
        let count = data.count / recordBytes
        rows.reserveCapacity(count)
        flat.reserveCapacity(count * classCount)
        var problem: Problem?
        data.withUnsafeBytes { raw in
            var previous: UInt32?
            for r in 0..<count {
                let base = r * recordBytes
                let bucket = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base, as: UInt32.self))
                guard Int(bucket) < buckets, previous.map({ bucket > $0 }) ?? true else {
                    problem = Problem(entry: "weights[\(r)]", problem: "bucket \(bucket) is not below \(buckets) "
                                      + "or not after the previous record's")
                    return
                }
                previous = bucket
                rows[bucket] = flat.count
                for c in 0..<classCount {
                    let fixed = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 + 4 * c, as: Int32.self))
                    flat.append(Double(fixed) / Self.weightScale)
                }
            }
        }
        if let problem { throw problem }
        self.buckets = UInt32(buckets)
        self.bias = bias
        self.rows = rows
        self.weights = flat
    }

    /// The checks every classifier file shares: format `version` 2, the class list (see `categories`), one bias per
    /// class and the packed weights. Returns the categories in class order and the model.
    static func validated<C: RawRepresentable & Equatable>(
        version: Int, classes: [String], first: String, described: String, buckets: Int, bias: [Double],
        packedWeights: String
    ) throws(Problem) -> (categories: [C], model: HashedLinearModel) where C.RawValue == String {
        guard version == 2 else { throw Problem(entry: "version", problem: "unsupported version \(version) (expected 2)") }
        let categories: [C] = try Self.categories(of: classes, first: first, described: described)
        guard bias.count == classes.count else { throw Problem(entry: "bias", problem: "needs one finite number per class") }
        return (categories, try HashedLinearModel(buckets: buckets, bias: bias, packedWeights: packedWeights))
    }

    /// The categories named after the leading "no harm" class `first`, in class (logit) order; each must parse as a
    /// `C` and appear once. `described` names what should follow `first` in the error.
    static func categories<C: RawRepresentable & Equatable>(of classes: [String], first: String,
                                                             described: String) throws(Problem) -> [C]
    where C.RawValue == String {
        guard classes.first == first, classes.count >= 2 else {
            throw Problem(entry: "classes", problem: "the first class must be \"\(first)\", followed by \(described)")
        }
        var categories: [C] = []
        for (index, name) in classes.dropFirst().enumerated() {
            guard let category = C(rawValue: name), !categories.contains(category) else {
                throw Problem(entry: "classes[\(index + 1)]", problem: "unknown or repeated category '\(name)'")
            }
            categories.append(category)
        }
        return categories
    }

    /// Logits per class for the unreduced feature hashes of one unit (consumed: reduced and sorted in place).
    func logits(_ hashes: inout [UInt32]) -> [Double] {
        var scores = bias
        guard !hashes.isEmpty else { return scores }
        for index in hashes.indices { hashes[index] &= buckets - 1 }
        hashes.sort()
        // Counts per bucket and the L2 norm of the count vector, then one pass over the runs.
        var sumSquares = 0.0
        var start = 0
        while start < hashes.count {
            var end = start + 1
            while end < hashes.count, hashes[end] == hashes[start] { end += 1 }
            let count = Double(end - start)
            sumSquares += count * count
            start = end
        }
        let norm = sumSquares.squareRoot()
        let classCount = scores.count
        start = 0
        while start < hashes.count {
            var end = start + 1
            while end < hashes.count, hashes[end] == hashes[start] { end += 1 }
            if let row = rows[hashes[start]] {
                let value = Double(end - start) / norm
                for c in 0..<classCount { scores[c] += value * weights[row + c] }
            }
            start = end
        }
        return scores
    }

    /// Softmax probability of class `index` given `logits`.
    static func probability(of index: Int, _ logits: [Double]) -> Double {
        let top = logits.max() ?? 0
        var total = 0.0
        for score in logits { total += exp(score - top) }
        return exp(logits[index] - top) / total
    }

    /// Appends the hashes of `word`'s character n-grams (tag `c`, taken inside `<word>`) for each of `lengths`;
    /// `padded` is scratch reused between words.
    static func appendCharNgramHashes(of word: [UInt8], lengths: [Int], to out: inout [UInt32],
                                      padded: inout [UInt8]) {
        padded.removeAll(keepingCapacity: true)
        padded.append(UInt8(ascii: "<"))
        padded.append(contentsOf: word)
        padded.append(UInt8(ascii: ">"))
        for n in lengths where padded.count >= n {
            for start in 0...(padded.count - n) { out.append(fnv1a(tag: "c", padded[start..<(start + n)])) }
        }
    }

    /// The most probable class other than class 0 (the "no harm" class): the category a verdict names.
    static func topHarmClass(_ logits: [Double]) -> Int {
        var top = 1
        for c in 2..<logits.count where logits[c] > logits[top] { top = c }
        return top
    }

    /// FNV-1a 32-bit over a kind tag and the bytes of `parts`, in order.
    static func fnv1a<S: Sequence<UInt8>>(tag: Unicode.Scalar, _ parts: S...) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        hash ^= UInt32(tag.value)
        hash = hash &* 0x0100_0193
        for part in parts {
            for byte in part {
                hash ^= UInt32(byte)
                hash = hash &* 0x0100_0193
            }
        }
        return hash
    }
}

/// A text and the probability of the leading "no harm" class (`none`) the training script computed for it. Checked
/// at load, so a file whose features or weights do not match this code is refused instead of silently scoring
/// differently (the output and prompt classifiers; the screen's probes also carry tokens).
struct ClassifierProbe: Decodable, Sendable {
    let text: String
    let pNone: Double

    enum CodingKeys: String, CodingKey {
        case text
        case pNone = "p_none"
    }

    /// Throws for the first of `probes` that `probabilityOfNone` scores more than 0.01 away, or when there are none.
    static func check(_ probes: [ClassifierProbe], _ probabilityOfNone: (String) -> Double) throws(HashedLinearModel.Problem) {
        guard !probes.isEmpty else {
            throw HashedLinearModel.Problem(entry: "probes", problem: "at least one probe is needed to check the features")
        }
        for (index, probe) in probes.enumerated() {
            let pNone = probabilityOfNone(probe.text)
            guard abs(pNone - probe.pNone) <= 0.01 else {
                throw HashedLinearModel.Problem(
                    entry: "probes[\(index)]",
                    problem: "scores \(String(format: "%.4f", pNone)) here, not \(probe.pNone): the file does not match this code's features")
            }
        }
    }
}
