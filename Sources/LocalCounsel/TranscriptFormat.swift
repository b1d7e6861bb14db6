import Crypto
import Foundation

/// The on-disk layout of an encrypted transcript (format version 1). All integers little-endian.
///
/// ```
/// header (32 bytes):  magic "LCTRANS\0" (8) | version u16 | kdf u8 (1 = PBKDF2-HMAC-SHA256)
///                     | cipher u8 (1 = AES-256-GCM) | iterations u32 | salt (16)
/// record (repeated):  sealedLength u32 | ciphertext+tag (sealedLength bytes; tag is the last 16)
/// ```
/// Record 0 is a key check (fixed plaintext), then one record per entry, then one closing record holding the
/// entry count. Each record's nonce is its index (the key is unique per file because the salt is random), and
/// its additional data binds the whole header, its index and its length: a reordered, dropped, spliced or
/// extended record fails authentication, and a file without its closing record reads as truncated.
enum TranscriptFormat {
    static let magic: [UInt8] = Array("LCTRANS".utf8) + [0]
    static let version: UInt16 = 1
    static let kdfPBKDF2SHA256: UInt8 = 1
    static let cipherAES256GCM: UInt8 = 1
    static let headerByteCount = 32
    static let saltByteCount = 16
    static let tagByteCount = 16
    static let keyByteCount = 32

    /// Rounds for new transcripts: OWASP's 2023 figure for PBKDF2-HMAC-SHA256 (≈ 0.5 s here, once per file).
    static let defaultIterations = 600_000
    /// Below this a new transcript is refused (the issue asks for at least 200k).
    static let minimumWriteIterations = 200_000
    /// Readers accept any count up to this, so a hostile header cannot make `read` spin for hours.
    static let maximumReadIterations = 20_000_000
    /// Largest plaintext of one record (16 MiB): a corrupt length cannot make the reader allocate without limit.
    static let maximumRecordPlaintext = 16 << 20
    /// Shortest passphrase accepted for a new transcript.
    static let minimumPassphraseLength = 8

    /// Plaintext of record 0; opening it proves the key (and so the passphrase) is right.
    static let keyCheckPlaintext: [UInt8] = [RecordKind.keyCheck.rawValue] + Array("localcounsel transcript v1".utf8)

    /// What a record holds (its first plaintext byte).
    enum RecordKind: UInt8 {
        case keyCheck = 0
        case entry = 1
        case end = 2
    }

    /// The parsed fixed-size header.
    struct Header: Equatable {
        var iterations: UInt32
        var salt: [UInt8]  // saltByteCount

        var bytes: [UInt8] {
            var b = TranscriptFormat.magic
            b.appendLE(TranscriptFormat.version)
            b.append(TranscriptFormat.kdfPBKDF2SHA256)
            b.append(TranscriptFormat.cipherAES256GCM)
            b.appendLE(iterations)
            b.append(contentsOf: salt)
            return b
        }

        /// Parses and range-checks a header; `path` only names the file in errors.
        static func parse(_ data: [UInt8], path: String,
                          maximumIterations: Int = TranscriptFormat.maximumReadIterations) throws -> Header {
            guard data.count >= TranscriptFormat.headerByteCount else {
                if data.count >= 8 && Array(data[0..<8]) != TranscriptFormat.magic {
                    throw TranscriptError.notATranscript(path: path)
                }
                throw TranscriptError.truncated(path: path, afterRecord: -1)
            }
            guard Array(data[0..<8]) == TranscriptFormat.magic else { throw TranscriptError.notATranscript(path: path) }
            let version = data.readLE(UInt16.self, at: 8)
            guard version == TranscriptFormat.version else {
                throw TranscriptError.unsupportedVersion(path: path, version: Int(version))
            }
            guard data[10] == TranscriptFormat.kdfPBKDF2SHA256, data[11] == TranscriptFormat.cipherAES256GCM else {
                throw TranscriptError.unsupportedAlgorithm(path: path, kdf: Int(data[10]), cipher: Int(data[11]))
            }
            let iterations = data.readLE(UInt32.self, at: 12)
            guard iterations >= 1, Int(iterations) <= maximumIterations else {
                throw TranscriptError.corruptHeader(path: path, field: "iterations")
            }
            return Header(iterations: iterations, salt: Array(data[16..<32]))
        }
    }

    /// Derives the AES-256 key for a header and passphrase.
    static func key(passphrase: String, header: Header) -> SymmetricKey {
        SymmetricKey(data: TranscriptKeyDerivation.pbkdf2SHA256(
            password: Array(passphrase.utf8), salt: header.salt,
            iterations: Int(header.iterations), outputByteCount: keyByteCount))
    }

    /// Record `index`'s nonce: 4 zero bytes then the index, big-endian (unique per record within one key).
    static func nonce(index: UInt64) -> AES.GCM.Nonce {
        var b = [UInt8](repeating: 0, count: 4)
        for shift in stride(from: 56, through: 0, by: -8) { b.append(UInt8(truncatingIfNeeded: index >> UInt64(shift))) }
        // 12 bytes is always a valid GCM nonce length, so this cannot throw; fall back defensively anyway.
        return (try? AES.GCM.Nonce(data: b)) ?? AES.GCM.Nonce()
    }

    /// Additional authenticated data of record `index`: header || index || sealed length.
    static func additionalData(header: [UInt8], index: UInt64, sealedLength: UInt32) -> [UInt8] {
        var aad = header
        aad.appendLE(index)
        aad.appendLE(sealedLength)
        return aad
    }

    /// Seals one record and returns its on-disk bytes (length prefix included).
    static func sealRecord(_ plaintext: [UInt8], key: SymmetricKey, header: [UInt8], index: UInt64) throws -> [UInt8] {
        let sealedLength = UInt32(plaintext.count + tagByteCount)
        let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce(index: index),
                                   authenticating: additionalData(header: header, index: index, sealedLength: sealedLength))
        var out: [UInt8] = []
        out.reserveCapacity(4 + Int(sealedLength))
        out.appendLE(sealedLength)
        out.append(contentsOf: box.ciphertext)
        out.append(contentsOf: box.tag)
        return out
    }

    /// Opens one record's sealed bytes; returns nil when authentication fails.
    static func openRecord(_ sealed: ArraySlice<UInt8>, key: SymmetricKey, header: [UInt8], index: UInt64) -> [UInt8]? {
        guard sealed.count >= tagByteCount else { return nil }
        let split = sealed.endIndex - tagByteCount
        guard let box = try? AES.GCM.SealedBox(nonce: nonce(index: index), ciphertext: sealed[sealed.startIndex..<split],
                                               tag: sealed[split...]),
              let plain = try? AES.GCM.open(box, using: key, authenticating: additionalData(
                  header: header, index: index, sealedLength: UInt32(sealed.count)))
        else { return nil }
        return Array(plain)
    }

    /// Plaintext of an entry record: kind | role u8 | milliseconds since 1970 i64 | UTF-8 text.
    static func encodeEntry(role: TranscriptRole, text: String, date: Date) -> [UInt8] {
        var b: [UInt8] = [RecordKind.entry.rawValue, role.code]
        b.appendLE(UInt64(bitPattern: Int64((date.timeIntervalSince1970 * 1000).rounded())))
        b.append(contentsOf: text.utf8)
        return b
    }

    /// Decodes an entry record's plaintext (already authenticated); nil when malformed.
    static func decodeEntry(_ b: [UInt8]) -> TranscriptEntry? {
        guard b.count >= 10, b[0] == RecordKind.entry.rawValue, let role = TranscriptRole(code: b[1]) else { return nil }
        let ms = Int64(bitPattern: b.readLE(UInt64.self, at: 2))
        guard let text = String(validating: b[10...], as: UTF8.self) else { return nil }
        return TranscriptEntry(role: role, text: text, date: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        Swift.withUnsafeBytes(of: &v) { append(contentsOf: $0) }
    }

    func readLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(self[offset + i]) << (8 * i) }
        return v
    }
}
