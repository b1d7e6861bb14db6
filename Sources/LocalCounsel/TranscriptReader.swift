import Crypto
import Foundation

/// Reads an encrypted transcript back, all or nothing.
///
/// Every record is authenticated before any entry is returned: a wrong passphrase, an altered byte, a
/// reordered or missing record, or a file without its closing record throws a `TranscriptError` and yields no
/// plaintext at all. `recover` reads what an interrupted chat left (a file cut short after whole records).
public enum TranscriptReader {
    /// Decrypts the whole transcript at `path`.
    /// - Throws: `TranscriptError` — `.cannotOpen`, `.notATranscript`, `.unsupportedVersion`,
    ///   `.wrongPassphrase`, `.tampered`, `.truncated`, ...
    public static func read(path: String, passphrase: String) throws -> [TranscriptEntry] {
        let data = try bytes(of: path)
        return try decode(data, path: path, passphrase: passphrase)
    }

    /// The whole file, or `.cannotOpen` naming it.
    private static func bytes(of path: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe))
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? error.localizedDescription
            throw TranscriptError.cannotOpen(path: path, reason: reason)
        }
    }

    /// What `recover` could read: the entries, and whether the file had its closing record.
    public struct Recovery: Sendable {
        /// Every entry that authenticated, in order.
        public let entries: [TranscriptEntry]
        /// False when the file ends without its closing record (the chat was killed, or the file was cut):
        /// `entries` is then what was written up to that point, and any later entries are gone.
        public let isComplete: Bool
    }

    /// Like `read`, but a transcript that ends without its closing record — the chat process was killed, the
    /// machine lost power — yields the entries written before the cut instead of nothing. Each entry record is
    /// authenticated on its own (its index and the header are bound into it), so what is returned is exactly
    /// what was written, in order; only the tail after the cut is missing, and `isComplete` says so. Anything
    /// else — a wrong passphrase, an altered or reordered record — still throws and returns nothing.
    public static func recover(path: String, passphrase: String) throws -> Recovery {
        let data = try bytes(of: path)
        var partial: [TranscriptEntry] = []
        do {
            return Recovery(entries: try decode(data, path: path, passphrase: passphrase, partial: &partial),
                            isComplete: true)
        } catch TranscriptError.truncated(_, let afterRecord) where afterRecord >= 0 {
            // At least the key check record was intact, so the passphrase is proven right.
            return Recovery(entries: partial, isComplete: false)
        }
    }

    /// Decodes transcript bytes already in memory; `path` only names the file in errors. Tests lower
    /// `maximumIterations` so that a flipped bit in the round count does not cost seconds per case.
    static func decode(_ data: [UInt8], path: String, passphrase: String,
                       maximumIterations: Int = TranscriptFormat.maximumReadIterations) throws -> [TranscriptEntry] {
        var partial: [TranscriptEntry] = []
        return try decode(data, path: path, passphrase: passphrase, maximumIterations: maximumIterations,
                          partial: &partial)
    }

    /// `decode`, leaving in `partial` the entries authenticated before any error (for `recover`).
    static func decode(_ data: [UInt8], path: String, passphrase: String,
                       maximumIterations: Int = TranscriptFormat.maximumReadIterations,
                       partial entries: inout [TranscriptEntry]) throws -> [TranscriptEntry] {
        let header = try TranscriptFormat.Header.parse(data, path: path, maximumIterations: maximumIterations)
        let headerBytes = Array(data[0..<TranscriptFormat.headerByteCount])
        let key = TranscriptFormat.key(passphrase: passphrase, header: header)

        var offset = TranscriptFormat.headerByteCount
        var index: UInt64 = 0
        entries = []

        // Returns the next record's authenticated plaintext, or throws (truncated / tampered).
        func nextRecord() throws -> [UInt8] {
            let recordNumber = Int(index)
            guard data.count - offset >= 4 else {
                throw TranscriptError.truncated(path: path, afterRecord: recordNumber - 1)
            }
            let sealedLength = Int(data.readLE(UInt32.self, at: offset))
            guard sealedLength >= TranscriptFormat.tagByteCount + 1,
                  sealedLength <= TranscriptFormat.maximumRecordPlaintext + TranscriptFormat.tagByteCount else {
                throw index == 0 ? TranscriptError.wrongPassphrase(path: path)
                    : TranscriptError.tampered(path: path, record: recordNumber)
            }
            guard data.count - offset - 4 >= sealedLength else {
                throw TranscriptError.truncated(path: path, afterRecord: recordNumber - 1)
            }
            let sealed = data[(offset + 4)..<(offset + 4 + sealedLength)]
            guard let plain = TranscriptFormat.openRecord(sealed, key: key, header: headerBytes, index: index) else {
                throw index == 0 ? TranscriptError.wrongPassphrase(path: path)
                    : TranscriptError.tampered(path: path, record: recordNumber)
            }
            offset += 4 + sealedLength
            index += 1
            return plain
        }

        guard try nextRecord() == TranscriptFormat.keyCheckPlaintext else {
            throw TranscriptError.wrongPassphrase(path: path)
        }
        while true {
            let recordNumber = Int(index)
            let plain = try nextRecord()
            guard let kind = plain.first.flatMap(TranscriptFormat.RecordKind.init(rawValue:)) else {
                throw TranscriptError.tampered(path: path, record: recordNumber)
            }
            switch kind {
            case .entry:
                guard let entry = TranscriptFormat.decodeEntry(plain) else {
                    throw TranscriptError.tampered(path: path, record: recordNumber)
                }
                entries.append(entry)
            case .end:
                // The closing record carries the entry count and must be the last bytes of the file.
                guard plain.count == 9, plain.readLE(UInt64.self, at: 1) == UInt64(entries.count),
                      offset == data.count else {
                    throw TranscriptError.tampered(path: path, record: recordNumber)
                }
                return entries
            case .keyCheck:
                throw TranscriptError.tampered(path: path, record: recordNumber)
            }
        }
    }
}
