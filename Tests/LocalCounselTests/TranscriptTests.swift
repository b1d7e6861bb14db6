import Foundation
import Testing
@testable import LocalCounsel

/// The encrypted transcript store: round trip, owner-only creation, and all-or-nothing reads.
@Suite struct TranscriptTests {
    /// Low round count so the byte-by-byte tamper tests stay quick; the default count has its own test.
    static let fastIterations = 1_000
    static let passphrase = "correct horse battery staple"
    static let messages: [(TranscriptRole, String)] = [
        (.system, "You are a supportive listener. MARKER-SYSTEM-7f3a"),
        (.user, "I have felt very low since my brother moved away. MARKER-USER-91c2"),
        (.assistant, "That sounds really hard. Would you like to tell me more? MARKER-ASSIST-55de"),
        (.user, "Ünïcödé, emoji 😔, CJK 我很难过, and a\nsecond line MARKER-USER-a0b1"),
        (.user, ""),
    ]

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lc-transcript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes `messages` to a new transcript and returns its path.
    static func writeSample(in dir: URL, name: String = "t.lct", iterations: Int = fastIterations) throws -> String {
        let path = dir.appendingPathComponent(name).path
        let w = try TranscriptWriter(path: path, passphrase: passphrase, iterations: iterations, minimumIterations: 1)
        for (role, text) in messages { try w.append(role: role, text: text) }
        try w.close()
        return path
    }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test func roundTrip() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Date()
        let path = try Self.writeSample(in: dir)
        let entries = try TranscriptReader.read(path: path, passphrase: Self.passphrase)
        #expect(entries.map(\.role) == Self.messages.map(\.0))
        #expect(entries.map(\.text) == Self.messages.map(\.1))
        for e in entries {
            #expect(e.date.timeIntervalSince(before) > -1 && e.date.timeIntervalSinceNow < 1)
        }
    }

    @Test func publicInitialiserUsesAtLeast200kRoundsAndRoundTrips() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("default.lct").path
        let w = try TranscriptWriter(path: path, passphrase: Self.passphrase)
        try w.append(role: .user, text: "hello there")
        try w.close()
        let header = try TranscriptFormat.Header.parse(try Self.bytes(path), path: path)
        #expect(header.iterations >= 200_000)
        #expect(header.iterations == UInt32(TranscriptFormat.defaultIterations))
        #expect(try TranscriptReader.read(path: path, passphrase: Self.passphrase).map(\.text) == ["hello there"])
    }

    @Test func fileIsOwnerOnly() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mode.lct").path
        let w = try TranscriptWriter(path: path, passphrase: Self.passphrase, iterations: Self.fastIterations,
                                     minimumIterations: 1)
        // Checked while still open (the window a reader could race) and after close.
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        try w.append(role: .user, text: "x")
        try w.close()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
    }

    @Test func refusesToOverwriteAnExistingFileOrFollowASymlink() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let existing = dir.appendingPathComponent("existing.txt").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        #expect(throws: TranscriptError.fileExists(path: existing)) {
            _ = try TranscriptWriter(path: existing, passphrase: Self.passphrase, iterations: Self.fastIterations,
                                     minimumIterations: 1)
        }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")

        let link = dir.appendingPathComponent("link.lct").path
        let target = dir.appendingPathComponent("target-not-there").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: TranscriptError.fileExists(path: link)) {
            _ = try TranscriptWriter(path: link, passphrase: Self.passphrase, iterations: Self.fastIterations,
                                     minimumIterations: 1)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func missingDirectoryIsANamedError() throws {
        let path = "/nonexistent-\(UUID().uuidString)/t.lct"
        do {
            _ = try TranscriptWriter(path: path, passphrase: Self.passphrase, iterations: Self.fastIterations,
                                     minimumIterations: 1)
            Issue.record("expected an error")
        } catch let error as TranscriptError {
            guard case let .cannotCreate(p, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(p == path)
            #expect(error.localizedDescription.contains(path))
        }
    }

    @Test func shortPassphraseIsRefusedAndNoFileIsLeft() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("short.lct").path
        #expect(throws: TranscriptError.passphraseTooShort(minimum: TranscriptFormat.minimumPassphraseLength)) {
            _ = try TranscriptWriter(path: path, passphrase: "abc", iterations: Self.fastIterations, minimumIterations: 1)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func wrongPassphraseYieldsATypedErrorAndNoEntries() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.writeSample(in: dir)
        for wrong in ["correct horse battery stapl", "Correct horse battery staple", "", "x"] {
            #expect(throws: TranscriptError.wrongPassphrase(path: path)) {
                _ = try TranscriptReader.read(path: path, passphrase: wrong)
            }
        }
    }

    @Test func everySingleByteFlipIsDetected() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.writeSample(in: dir)
        let original = try Self.bytes(path)
        for i in original.indices {
            var damaged = original
            damaged[i] ^= 0x01
            do {
                let entries = try TranscriptReader.decode(damaged, path: path, passphrase: Self.passphrase,
                                                          maximumIterations: 10 * Self.fastIterations)
                Issue.record("flip at byte \(i) went unnoticed; \(entries.count) entries returned")
            } catch let error as TranscriptError {
                #expect(!"\(error)".contains("MARKER"))
            }
        }
        // A flip in a record body must be reported as tampering of that record, not as a wrong passphrase.
        let recordTwoBody = TranscriptFormat.headerByteCount + Self.recordLength(original, index: 0)
            + Self.recordLength(original, index: 1) + 4 + 3
        var damaged = original
        damaged[recordTwoBody] ^= 0x80
        #expect(throws: TranscriptError.tampered(path: path, record: 2)) {
            _ = try TranscriptReader.decode(damaged, path: path, passphrase: Self.passphrase)
        }
    }

    /// On-disk length (prefix + sealed bytes) of record `index`.
    static func recordLength(_ b: [UInt8], index: Int) -> Int {
        var offset = TranscriptFormat.headerByteCount
        for _ in 0..<index { offset += 4 + Int(b.readLE(UInt32.self, at: offset)) }
        return 4 + Int(b.readLE(UInt32.self, at: offset))
    }

    @Test func everyTruncationIsDetected() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.writeSample(in: dir)
        let original = try Self.bytes(path)
        for length in 0..<original.count {
            #expect(throws: TranscriptError.self, "prefix of \(length) bytes") {
                _ = try TranscriptReader.decode(Array(original.prefix(length)), path: path, passphrase: Self.passphrase)
            }
        }
        // Cut exactly before the closing record: every entry record is intact, yet nothing is returned.
        let withoutEnd = original.count - Self.recordLength(original, index: Self.messages.count + 1)
        #expect(throws: TranscriptError.truncated(path: path, afterRecord: Self.messages.count)) {
            _ = try TranscriptReader.decode(Array(original.prefix(withoutEnd)), path: path, passphrase: Self.passphrase)
        }
        // Trailing bytes after the closing record are an alteration too.
        #expect(throws: TranscriptError.self) {
            _ = try TranscriptReader.decode(original + [0, 0, 0, 0], path: path, passphrase: Self.passphrase)
        }
    }

    @Test func reorderedOrDroppedRecordsAreDetected() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.writeSample(in: dir)
        let b = try Self.bytes(path)
        var records: [[UInt8]] = []
        var offset = TranscriptFormat.headerByteCount
        for i in 0..<(Self.messages.count + 2) {
            let n = Self.recordLength(b, index: i)
            records.append(Array(b[offset..<(offset + n)]))
            offset += n
        }
        let header = Array(b.prefix(TranscriptFormat.headerByteCount))
        var swapped = records
        swapped.swapAt(1, 2)
        #expect(throws: TranscriptError.tampered(path: path, record: 1)) {
            _ = try TranscriptReader.decode(header + swapped.flatMap { $0 }, path: path, passphrase: Self.passphrase)
        }
        var dropped = records
        dropped.remove(at: 2)
        #expect(throws: TranscriptError.tampered(path: path, record: 2)) {
            _ = try TranscriptReader.decode(header + dropped.flatMap { $0 }, path: path, passphrase: Self.passphrase)
        }
    }

    @Test func fileHoldsNoPlaintext() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.writeSample(in: dir)
        let raw = try Self.bytes(path)
        // Any 6-byte window of any message (or a role name) would be a leak; random ciphertext of this size
        // contains a given 6-byte string with probability ~ 2^-40.
        var needles = TranscriptRole.allCases.map { Array($0.rawValue.utf8) }
        for (_, text) in Self.messages {
            let u = Array(text.utf8)
            if u.count >= 6 { for i in 0...(u.count - 6) { needles.append(Array(u[i..<(i + 6)])) } }
        }
        for needle in needles {
            #expect(Self.find(needle, in: raw) == nil, "plaintext bytes \(needle) found in the file")
        }
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard needle.count <= hay.count, !needle.isEmpty else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }

    @Test func appendAfterCloseIsAnError() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("closed.lct").path
        let w = try TranscriptWriter(path: path, passphrase: Self.passphrase, iterations: Self.fastIterations,
                                     minimumIterations: 1)
        try w.close()
        #expect(throws: TranscriptError.alreadyClosed(path: path)) { try w.append(role: .user, text: "late") }
        #expect(throws: TranscriptError.alreadyClosed(path: path)) { try w.close() }
        #expect(try TranscriptReader.read(path: path, passphrase: Self.passphrase).isEmpty)
    }

    @Test func writerDroppedWithoutCloseStillLeavesAReadableFile() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("dropped.lct").path
        do {
            let w = try TranscriptWriter(path: path, passphrase: Self.passphrase, iterations: Self.fastIterations,
                                         minimumIterations: 1)
            try w.append(role: .user, text: "only one")
        }
        #expect(try TranscriptReader.read(path: path, passphrase: Self.passphrase).map(\.text) == ["only one"])
    }

    @Test func notATranscriptAndMissingFileAreNamedErrors() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let other = dir.appendingPathComponent("notes.txt").path
        try Data(String(repeating: "plain text, not a transcript\n", count: 4).utf8).write(to: URL(fileURLWithPath: other))
        #expect(throws: TranscriptError.notATranscript(path: other)) {
            _ = try TranscriptReader.read(path: other, passphrase: Self.passphrase)
        }
        let missing = dir.appendingPathComponent("missing.lct").path
        do {
            _ = try TranscriptReader.read(path: missing, passphrase: Self.passphrase)
            Issue.record("expected an error")
        } catch let error as TranscriptError {
            guard case .cannotOpen(missing, _) = error else { Issue.record("wrong error \(error)"); return }
        }
    }

    @Test func hostileIterationCountIsRefusedBeforeDerivingAKey() throws {
        var header = TranscriptFormat.Header(iterations: UInt32.max, salt: Array(repeating: 7, count: 16)).bytes
        header += [0, 0, 0, 0]
        #expect(throws: TranscriptError.corruptHeader(path: "h", field: "iterations")) {
            _ = try TranscriptReader.decode(header, path: "h", passphrase: Self.passphrase)
        }
    }

    @Test func passphraseComesFromTheEnvironmentFirst() throws {
        let env = [TranscriptPassphrase.environmentVariable: "from the environment"]
        #expect(try TranscriptPassphrase.obtain(confirm: true, environment: env) == "from the environment")
    }

    @Test func errorsNeverCarryMessageText() throws {
        let all: [TranscriptError] = [
            .fileExists(path: "/p"), .cannotCreate(path: "/p", reason: "r"), .cannotOpen(path: "/p", reason: "r"),
            .writeFailed(path: "/p", reason: "r"), .readFailed(path: "/p", reason: "r"), .alreadyClosed(path: "/p"),
            .notATranscript(path: "/p"), .unsupportedVersion(path: "/p", version: 9),
            .unsupportedAlgorithm(path: "/p", kdf: 1, cipher: 2), .corruptHeader(path: "/p", field: "f"),
            .wrongPassphrase(path: "/p"), .tampered(path: "/p", record: 1), .truncated(path: "/p", afterRecord: 1),
            .entryTooLarge(bytes: 1, limit: 2), .passphraseMissing, .passphraseTooShort(minimum: 8), .passphraseMismatch,
        ]
        for e in all {
            let text = e.localizedDescription
            #expect(!text.isEmpty && !text.contains("\n"))
            if case .passphraseMissing = e {} else if case .passphraseTooShort = e {} else if case .passphraseMismatch = e {}
            else if case .entryTooLarge = e {} else { #expect(text.contains("/p"), "\(e) does not name its file") }
        }
    }
}
