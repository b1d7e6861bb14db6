import Foundation

/// Everything that can go wrong while writing or reading an encrypted transcript.
///
/// Every case names the file (and, where it helps, the record) at fault. None ever carries message text: a
/// transcript is the one place the conversation is kept, and errors end up in logs and terminals.
public enum TranscriptError: LocalizedError, Equatable, Sendable, CustomStringConvertible {
    /// The path already exists; transcripts are never overwritten or appended to.
    case fileExists(path: String)
    /// The file could not be created (directory missing, no permission, ...).
    case cannotCreate(path: String, reason: String)
    /// The file could not be opened for reading.
    case cannotOpen(path: String, reason: String)
    /// A write to the transcript failed (disk full, I/O error, ...).
    case writeFailed(path: String, reason: String)
    /// A read from the transcript failed.
    case readFailed(path: String, reason: String)
    /// `append` or `close` was called after `close`.
    case alreadyClosed(path: String)
    /// The file does not start with the transcript magic bytes.
    case notATranscript(path: String)
    /// The file's format version is newer (or older) than this build understands.
    case unsupportedVersion(path: String, version: Int)
    /// The header names a key-derivation or cipher this build does not implement.
    case unsupportedAlgorithm(path: String, kdf: Int, cipher: Int)
    /// A header field holds a value outside its allowed range.
    case corruptHeader(path: String, field: String)
    /// The key-check record does not authenticate: the passphrase is wrong (or the header was altered).
    case wrongPassphrase(path: String)
    /// A record failed authentication or is malformed: the file was altered after it was written.
    case tampered(path: String, record: Int)
    /// The file ends before its closing record: it was cut short, or the writer never closed it.
    case truncated(path: String, afterRecord: Int)
    /// A single entry is larger than the format allows.
    case entryTooLarge(bytes: Int, limit: Int)
    /// No passphrase: the environment variable is unset and there is no terminal to ask on.
    case passphraseMissing
    /// The passphrase is shorter than the minimum accepted for new transcripts.
    case passphraseTooShort(minimum: Int)
    /// The two passphrases typed at the terminal differ.
    case passphraseMismatch

    public var errorDescription: String? { description }

    /// A one-line explanation naming the file or setting at fault (never message text).
    public var description: String {
        switch self {
        case let .fileExists(path):
            return "transcript \(path) already exists; choose a new path (transcripts are never overwritten)"
        case let .cannotCreate(path, reason):
            return "cannot create transcript \(path): \(reason)"
        case let .cannotOpen(path, reason):
            return "cannot open transcript \(path): \(reason)"
        case let .writeFailed(path, reason):
            return "writing transcript \(path) failed: \(reason)"
        case let .readFailed(path, reason):
            return "reading transcript \(path) failed: \(reason)"
        case let .alreadyClosed(path):
            return "transcript \(path) is already closed"
        case let .notATranscript(path):
            return "\(path) is not a localcounsel transcript (bad magic bytes)"
        case let .unsupportedVersion(path, version):
            return "transcript \(path) has format version \(version), which this build cannot read"
        case let .unsupportedAlgorithm(path, kdf, cipher):
            return "transcript \(path) uses key derivation \(kdf) / cipher \(cipher), which this build cannot read"
        case let .corruptHeader(path, field):
            return "transcript \(path) has a corrupt header (field \(field))"
        case let .wrongPassphrase(path):
            return "wrong passphrase for transcript \(path) (or its header was altered); nothing was decrypted"
        case let .tampered(path, record):
            return "transcript \(path) was altered: record \(record) failed authentication; nothing was shown"
        case let .truncated(path, afterRecord):
            return "transcript \(path) is incomplete: it ends after record \(afterRecord) without its closing "
                + "record (cut short, or the writer never closed it); nothing was shown — "
                + "`localcounsel transcript read --recover` shows the entries written before the cut"
        case let .entryTooLarge(bytes, limit):
            return "transcript entry of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .passphraseMissing:
            return "no transcript passphrase: set \(TranscriptPassphrase.environmentVariable) or run on a "
                + "terminal to be asked for it (it is never accepted as a command-line argument)"
        case let .passphraseTooShort(minimum):
            return "the transcript passphrase must have at least \(minimum) characters"
        case .passphraseMismatch:
            return "the two transcript passphrases differ"
        }
    }
}
