import Crypto
import Foundation

/// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2; HMAC per RFC 2104) over swift-crypto's `SHA256`.
///
/// swift-crypto's `Crypto` product has no PBKDF2 (only the underscored `_CryptoExtras`, which brings a larger
/// dependency tree), so the RFC's few lines are written here and tested against RFC 7914 §11's vectors.
/// HMAC is spelled out over the concrete `SHA256` type rather than the generic `HMAC<SHA256>`: the padded-key
/// states are hashed once and copied each round, and the concrete calls avoid unspecialised generic dispatch
/// (here about 1 µs a round instead of 5, which buys more rounds for the same wait).
enum TranscriptKeyDerivation {
    /// Derives `outputByteCount` bytes from `password` and `salt` with `iterations` rounds (both ≥ 1).
    static func pbkdf2SHA256(password: some DataProtocol, salt: some DataProtocol, iterations: Int,
                             outputByteCount: Int) -> [UInt8] {
        let blockSize = 64  // SHA-256 block, bytes
        let digestSize = SHA256.byteCount  // 32
        var key = Array(password)
        if key.count > blockSize { key = Array(SHA256.hash(data: key)) }
        key += [UInt8](repeating: 0, count: blockSize - key.count)
        var innerKeyed = SHA256()
        innerKeyed.update(data: key.map { $0 ^ 0x36 })
        var outerKeyed = SHA256()
        outerKeyed.update(data: key.map { $0 ^ 0x5c })

        let saltBytes = Array(salt)
        let blockCount = max((outputByteCount + digestSize - 1) / digestSize, 1)
        var output: [UInt8] = []
        output.reserveCapacity(blockCount * digestSize)
        var t = [UInt8](repeating: 0, count: digestSize)  // T_i = U_1 ^ ... ^ U_c

        /// HMAC(password, message) from the prepared pad states; the digest is a value, so no buffer is copied.
        func prf(_ message: UnsafeRawBufferPointer) -> SHA256.Digest {
            var inner = innerKeyed
            inner.update(bufferPointer: message)
            let innerDigest = inner.finalize()
            var outer = outerKeyed
            innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
            return outer.finalize()
        }

        for blockIndex in 1...blockCount {
            let counter: [UInt8] = [UInt8(truncatingIfNeeded: blockIndex >> 24), UInt8(truncatingIfNeeded: blockIndex >> 16),
                                    UInt8(truncatingIfNeeded: blockIndex >> 8), UInt8(truncatingIfNeeded: blockIndex)]
            var u = (saltBytes + counter).withUnsafeBytes { prf($0) }  // U_1
            t = Array(u)
            var round = 1
            while round < iterations {
                u = u.withUnsafeBytes { prf($0) }
                u.withUnsafeBytes { d in for j in 0..<digestSize { t[j] ^= d[j] } }
                round += 1
            }
            output.append(contentsOf: t)
        }
        return Array(output.prefix(outputByteCount))
    }
}
