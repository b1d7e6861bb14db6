import Foundation
import LocalCounsel
import Testing

/// Issue 7 item 2 at the command line: `localcounsel transcript read PATH`, and what `chat` leaves on disk
/// with and without `--save-transcript`.
@Suite struct PrivacyTranscriptCLITests {
    static let passphrase = "a clinic passphrase 4821"
    static let env = [TranscriptPassphrase.environmentVariable: passphrase]

    /// Writes a transcript through the library (public API, default key derivation).
    static func writeTranscript(in dir: URL, texts: [(TranscriptRole, String)]) throws -> String {
        let path = dir.appendingPathComponent("session.lct").path
        let w = try TranscriptWriter(path: path, passphrase: passphrase)
        for (role, text) in texts { try w.append(role: role, text: text) }
        try w.close()
        return path
    }

    @Test func readPrintsEveryEntryInOrder() throws {
        let dir = try CLI.makeTemporaryDirectory(prefix: "lc-tr-read")
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts: [(TranscriptRole, String)] = [(.user, "first message 😊"), (.assistant, "a reply\nover two lines"),
                                                 (.user, "third \"quoted\"")]
        let path = try Self.writeTranscript(in: dir, texts: texts)
        let r = try CLI.run(["transcript", "read", path], environment: Self.env)
        #expect(r.exited(0), "\(r)")
        #expect(r.stdoutText.contains("] user: first message 😊\n"))
        #expect(r.stdoutText.contains("] assistant: a reply\nover two lines\n"))
        #expect(r.stderr.isEmpty)

        let j = try CLI.run(["transcript", "read", "--json", path], environment: Self.env)
        #expect(j.exited(0), "\(j)")
        let lines = j.stdoutText.split(separator: "\n")
        #expect(lines.count == 3)
        let decoded = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(decoded.map { $0?["text"] } == texts.map(\.1))
        #expect(decoded.map { $0?["role"] } == texts.map(\.0.rawValue))
    }

    @Test func wrongPassphraseOrAlteredFilePrintsNothingAndNamesTheFile() throws {
        let dir = try CLI.makeTemporaryDirectory(prefix: "lc-tr-wrong")
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = "secret words \(PrivacyHarness.marker("tr"))"
        let path = try Self.writeTranscript(in: dir, texts: [(.user, secret)])

        let wrong = try CLI.run(["transcript", "read", path],
                                environment: [TranscriptPassphrase.environmentVariable: "not the passphrase"])
        #expect(wrong.exited(1), "\(wrong)")
        #expect(wrong.stdout.isEmpty)
        #expect(wrong.stderrLines.count == 1 && wrong.stderrText.contains("wrong passphrase") && wrong.stderrText.contains(path))
        #expect(!wrong.stderrText.contains(secret))

        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count - 20] ^= 0x40
        let altered = dir.appendingPathComponent("altered.lct")
        try bytes.write(to: altered)
        let r = try CLI.run(["transcript", "read", altered.path], environment: Self.env)
        #expect(r.exited(1), "\(r)")
        #expect(r.stdout.isEmpty, "partial plaintext printed: \(r)")
        #expect(r.stderrText.contains("altered") && r.stderrText.contains(altered.path))

        let cut = dir.appendingPathComponent("cut.lct")
        try bytes.prefix(bytes.count - 30).write(to: cut)
        let t = try CLI.run(["transcript", "read", cut.path], environment: Self.env)
        #expect(t.exited(1) && t.stdout.isEmpty && t.stderrText.contains("incomplete"), "\(t)")

        let missing = try CLI.run(["transcript", "read", dir.appendingPathComponent("nope.lct").path], environment: Self.env)
        #expect(missing.exited(1) && missing.stderrText.contains("nope.lct"), "\(missing)")
    }

    @Test func recoverReadsAnInterruptedTranscriptUpToTheCut() throws {
        let dir = try CLI.makeTemporaryDirectory(prefix: "lc-tr-recover")
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts: [(TranscriptRole, String)] = [(.user, "first"), (.assistant, "second"), (.user, "third")]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try Self.writeTranscript(in: dir, texts: texts)))
        // The closing record is 4 (length) + 9 (kind, entry count) + 16 (tag) bytes: without it, as a killed chat
        // leaves the file, every entry is intact.
        let killed = dir.appendingPathComponent("killed.lct")
        try bytes.prefix(bytes.count - 29).write(to: killed)
        let plain = try CLI.run(["transcript", "read", killed.path], environment: Self.env)
        #expect(plain.exited(1) && plain.stdout.isEmpty && plain.stderrText.contains("--recover"), "\(plain)")
        let r = try CLI.run(["transcript", "read", "--recover", "--json", killed.path], environment: Self.env)
        #expect(r.exited(0), "\(r)")
        #expect(r.stdoutText.split(separator: "\n").count == 3 && r.stdoutText.contains("\"text\":\"third\""), "\(r)")
        #expect(r.stderrText.contains("no closing record") && r.stderrText.contains("3 entries"), "\(r)")

        // Cut inside the third entry: the first two come back.
        let torn = dir.appendingPathComponent("torn.lct")
        try bytes.prefix(bytes.count - 29 - 10).write(to: torn)
        let t = try CLI.run(["transcript", "read", "--recover", torn.path], environment: Self.env)
        #expect(t.exited(0) && t.stdoutText.contains("user: first") && t.stdoutText.contains("assistant: second")
                && !t.stdoutText.contains("third"), "\(t)")

        // A complete file says nothing extra; an altered one is refused as before.
        let whole = try CLI.run(["transcript", "read", "--recover", killed.path.replacingOccurrences(of: "killed", with: "session")],
                                environment: Self.env)
        #expect(whole.exited(0) && whole.stderr.isEmpty, "\(whole)")
        var altered = bytes.prefix(bytes.count - 29)
        altered[altered.startIndex + 60] ^= 0x04
        let bad = dir.appendingPathComponent("bad.lct")
        try altered.write(to: bad)
        let b = try CLI.run(["transcript", "read", "--recover", bad.path], environment: Self.env)
        #expect(b.exited(1) && b.stdout.isEmpty, "\(b)")
    }

    @Test func passphraseIsNeverAnArgumentAndIsRequired() throws {
        let dir = try CLI.makeTemporaryDirectory(prefix: "lc-tr-pass")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.writeTranscript(in: dir, texts: [(.user, "hi")])
        let asArgument = try CLI.run(["transcript", "read", path, "--passphrase", Self.passphrase])
        #expect(asArgument.exited(2), "\(asArgument)")
        #expect(try CLI.run(["transcript", "read"]).exited(2))

        // Without the variable and without a controlling terminal (setsid), it must say how to provide one.
        let setsid = try #require(PrivacyHarness.tool("setsid"), "setsid (util-linux) detaches the terminal")
        let bin = try CLI.binaryURL().path
        let r = try CLI.run(["-w", bin, "transcript", "read", path], unsetting: [TranscriptPassphrase.environmentVariable],
                            executable: URL(fileURLWithPath: setsid))
        #expect(r.exited(1), "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderrText.contains(TranscriptPassphrase.environmentVariable), "\(r)")
    }

    // MARK: - chat and the disk

    /// A sandbox with its own HOME, TMPDIR and working directory, and a snapshot of every file in it.
    struct Sandbox {
        let root: URL
        var home: URL { root.appendingPathComponent("home") }
        var tmp: URL { root.appendingPathComponent("tmp") }
        var work: URL { root.appendingPathComponent("work") }
        var environment: [String: String] {
            ["HOME": home.path, "TMPDIR": tmp.path, "XDG_CONFIG_HOME": home.path + "/.config",
             "XDG_DATA_HOME": home.path + "/.local/share", "XDG_CACHE_HOME": home.path + "/.cache",
             "XDG_STATE_HOME": home.path + "/.local/state"]
        }

        init() throws {
            root = try CLI.makeTemporaryDirectory(prefix: "lc-at-rest")
            for d in [home, tmp, work] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        }

        /// Every path under the sandbox (files and directories), relative to it.
        func snapshot() -> Set<String> {
            var paths: Set<String> = []
            let e = FileManager.default.enumerator(atPath: root.path)
            while let p = e?.nextObject() as? String { paths.insert(p) }
            return paths
        }

        /// The bytes of every regular file under the sandbox, keyed by relative path.
        func contents() -> [String: Data] {
            var out: [String: Data] = [:]
            for p in snapshot() {
                var isDir: ObjCBool = false
                let full = root.appendingPathComponent(p).path
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                    out[p] = FileManager.default.contents(atPath: full)
                }
            }
            return out
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test(.enabled(if: PrivacyHarness.has("chat"), "chat has not landed in this build"))
    func chatWritesNothingWithoutTheOption() throws {
        try #require(PrivacyHarness.modelPresent, "the default model is missing at \(CLI.modelPath)")
        let box = try Sandbox()
        defer { box.remove() }
        let before = box.snapshot()
        let r = try CLI.run(["chat", "--model", CLI.modelPath, "--max-tokens", "6", "--seed", "1"],
                            stdin: PrivacyHarness.chatInput(marker: PrivacyHarness.marker("rest")),
                            environment: box.environment, currentDirectory: box.work, timeout: 300)
        #expect(r.exited(0), "\(r)")
        let created = box.snapshot().subtracting(before)
        #expect(created.isEmpty, "chat without --save-transcript wrote: \(created.sorted())")
    }

    @Test(.enabled(if: PrivacyHarness.has("chat"), "chat has not landed in this build"))
    func chatSavesOnlyAnEncryptedOwnerOnlyTranscriptWhenAsked() throws {
        try #require(PrivacyHarness.modelPresent, "the default model is missing at \(CLI.modelPath)")
        let box = try Sandbox()
        defer { box.remove() }
        let marker = PrivacyHarness.marker("save")
        let path = box.work.appendingPathComponent("kept.lct").path
        let before = box.snapshot()
        let r = try CLI.run(["chat", "--model", CLI.modelPath, "--max-tokens", "6", "--seed", "1", "--save-transcript", path],
                            stdin: PrivacyHarness.chatInput(marker: marker),
                            environment: box.environment.merging(Self.env) { $1 }, currentDirectory: box.work,
                            timeout: 300)
        #expect(r.exited(0), "\(r)")
        #expect(box.snapshot().subtracting(before) == ["work/kept.lct"])
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(raw.range(of: Data(marker.utf8)) == nil, "the transcript holds plaintext")

        let read = try CLI.run(["transcript", "read", "--json", path], environment: Self.env)
        #expect(read.exited(0), "\(read)")
        let users = read.stdoutText.split(separator: "\n").filter { $0.contains("\"role\":\"user\"") }
        #expect(users.count == 3 && users.allSatisfy { $0.contains(marker) }, "\(read)")
        #expect(read.stdoutText.contains("\"role\":\"assistant\""))

        // A second run must refuse to overwrite it, name the path, and leave it intact.
        let again = try CLI.run(["chat", "--model", CLI.modelPath, "--save-transcript", path],
                                stdin: Data("hello\n".utf8), environment: box.environment.merging(Self.env) { $1 },
                                currentDirectory: box.work, timeout: 120)
        #expect(again.exited(1), "\(again)")
        #expect(again.stderrText.contains(path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == raw)
    }
}
