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

    /// Validates the numbers: a power-of-two bucket count, finite values, one weight per class in every row.
    init(buckets: Int, bias: [Double], weights: [String: [Double]]) throws(Problem) {
        guard buckets >= 1024, buckets <= 1 << 24, buckets & (buckets - 1) == 0 else {
            throw Problem(entry: "buckets", problem: "must be a power of two between 1024 and 16777216")
        }
        guard bias.count >= 2, bias.allSatisfy(\.isFinite) else {
            throw Problem(entry: "bias", problem: "needs one finite number per class")
        }
        let classCount = bias.count
        var rows: [UInt32: Int] = [:]
        var flat: [Double] = []
        flat.reserveCapacity(weights.count * classCount)
        // Sorted so the layout does not depend on dictionary order.
        for (key, row) in weights.sorted(by: { $0.key < $1.key }) {
            guard let bucket = UInt32(key), Int(bucket) < buckets else {
                throw Problem(entry: "weights.\(key)", problem: "not a bucket index below \(buckets)")
            }
            guard row.count == classCount, row.allSatisfy(\.isFinite) else {
                throw Problem(entry: "weights.\(key)", problem: "needs one finite number per class")
            }
            rows[bucket] = flat.count
            flat.append(contentsOf: row)
        }
        guard !rows.isEmpty else { throw Problem(entry: "weights", problem: "no weights: the classifier would never fire") }
        self.buckets = UInt32(buckets)
        self.bias = bias
        self.rows = rows
        self.weights = flat
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
