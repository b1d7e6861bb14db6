import Crypto
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends messages to a new encrypted transcript file.
///
/// Nothing is written anywhere unless an app creates one of these (the CLI does only for `--save-transcript`).
/// The file is created with `O_CREAT|O_EXCL` and mode 0600 in the same system call, so it is owner-only from its
/// first instant and an existing file (or symlink) is never overwritten. Each `append` seals one record with
/// AES-256-GCM under a key derived from the passphrase (PBKDF2-HMAC-SHA256, random salt) and writes it at once,
/// so a crash loses at most the record being written. `close()` writes the closing record; a file without it
/// reads back as `TranscriptError.truncated`.
///
/// Safe to share between tasks: appends are serialised.
public final class TranscriptWriter: Sendable {
    /// The file being written.
    public let path: String

    private struct State: ~Copyable {
        var fd: Int32
        let key: SymmetricKey
        let header: [UInt8]
        var nextIndex: UInt64
        var entryCount: UInt64
        var closed: Bool
    }

    private let state: Mutex<State>

    /// Creates the transcript file at `path` (which must not exist) and writes its header.
    ///
    /// Takes about half a second: the key derivation is deliberately slow so a stolen file resists guessing.
    /// - Throws: `TranscriptError` — `.passphraseTooShort`, `.fileExists`, `.cannotCreate`, `.writeFailed`.
    public convenience init(path: String, passphrase: String) throws {
        try self.init(path: path, passphrase: passphrase, iterations: TranscriptFormat.defaultIterations,
                      minimumIterations: TranscriptFormat.minimumWriteIterations)
    }

    /// The designated initialiser; tests lower `iterations` (and the floor) to stay quick.
    init(path: String, passphrase: String, iterations: Int, minimumIterations: Int) throws {
        guard passphrase.count >= TranscriptFormat.minimumPassphraseLength else {
            throw TranscriptError.passphraseTooShort(minimum: TranscriptFormat.minimumPassphraseLength)
        }
        // Chosen by code, never by users; clamp rather than trap.
        let iterations = min(max(iterations, minimumIterations), TranscriptFormat.maximumReadIterations)
        self.path = path
        var salt = [UInt8](repeating: 0, count: TranscriptFormat.saltByteCount)
        var rng = SystemRandomNumberGenerator()  // getrandom(2): cryptographically secure
        for i in salt.indices { salt[i] = rng.next() }
        let header = TranscriptFormat.Header(iterations: UInt32(iterations), salt: salt).bytes
        // Derive before creating the file, so a slow derivation never leaves an empty file behind on error.
        let key = TranscriptFormat.key(passphrase: passphrase,
                                       header: .init(iterations: UInt32(iterations), salt: salt))

        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { throw TranscriptError.fileExists(path: path) }
            throw TranscriptError.cannotCreate(path: path, reason: String(cString: strerror(code)))
        }
        // The umask can only have removed bits; make the mode exactly 0600 regardless.
        _ = fchmod(fd, mode_t(0o600))
        do {
            var first = header
            first += try TranscriptFormat.sealRecord(TranscriptFormat.keyCheckPlaintext, key: key, header: header, index: 0)
            try Self.writeAll(fd: fd, bytes: first, path: path)
        } catch {
            _ = posixClose(fd)
            _ = unlink(path)  // we created it a moment ago with O_EXCL, so it is ours to remove
            throw error
        }
        state = Mutex(State(fd: fd, key: key, header: header, nextIndex: 1, entryCount: 0, closed: false))
    }

    /// Encrypts and writes one message.
    /// - Throws: `.alreadyClosed`, `.entryTooLarge`, `.writeFailed` (never with the text in it).
    public func append(role: TranscriptRole, text: String) throws {
        let plaintext = TranscriptFormat.encodeEntry(role: role, text: text, date: Date())
        guard plaintext.count <= TranscriptFormat.maximumRecordPlaintext else {
            throw TranscriptError.entryTooLarge(bytes: text.utf8.count, limit: TranscriptFormat.maximumRecordPlaintext - 10)
        }
        try state.withLock { s in
            guard !s.closed else { throw TranscriptError.alreadyClosed(path: path) }
            let record = try TranscriptFormat.sealRecord(plaintext, key: s.key, header: s.header, index: s.nextIndex)
            try Self.writeAll(fd: s.fd, bytes: record, path: path)
            s.nextIndex += 1
            s.entryCount += 1
        }
    }

    /// Writes the closing record, flushes the file to disk and closes it.
    /// - Throws: `.alreadyClosed`, `.writeFailed`.
    public func close() throws {
        try state.withLock { s in
            guard !s.closed else { throw TranscriptError.alreadyClosed(path: path) }
            try Self.finish(&s, path: path)
        }
    }

    deinit {
        // Best effort for an app that forgot `close()`: a finished file beats a "truncated" one.
        state.withLock { s in
            if !s.closed { try? Self.finish(&s, path: path) }
        }
    }

    private static func finish(_ s: inout State, path: String) throws {
        s.closed = true
        defer { _ = posixClose(s.fd) }
        var end: [UInt8] = [TranscriptFormat.RecordKind.end.rawValue]
        end.appendLE(s.entryCount)
        let record = try TranscriptFormat.sealRecord(end, key: s.key, header: s.header, index: s.nextIndex)
        try writeAll(fd: s.fd, bytes: record, path: path)
        guard fsync(s.fd) == 0 else {
            throw TranscriptError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private static func writeAll(fd: Int32, bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TranscriptError.writeFailed(path: path, reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
    }
}

/// `close(2)`, reachable from inside a type that has its own `close()`.
private func posixClose(_ fd: Int32) -> Int32 { close(fd) }
