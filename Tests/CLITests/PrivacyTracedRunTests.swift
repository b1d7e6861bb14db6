import Foundation
import Testing
import LocalCounsel

/// Issue 7 item 1, at run time: every command runs under `strace -f -e trace=network` (all threads) and the
/// trace must hold no network system call at all — not one `socket(`.
///
/// If ptrace is denied here, the commands run instead in an empty network namespace (`unshare -n`), and the
/// test says so in its output: that proves nothing could be sent, not that no socket was opened. If neither
/// works the tests FAIL; they never skip and pass.
@Suite(.serialized) struct PrivacyTracedRunTests {
    enum Tracer: Sendable {
        case strace(path: String)
        case networkNamespace(command: [String], whyNotStrace: String)
    }

    /// Chosen once: strace if it demonstrably sees a socket call, else an empty network namespace.
    static let tracer: Result<Tracer, TracerUnavailable> = {
        var why = "strace is not installed (the test command installs it: apt-get install strace)"
        if let strace = PrivacyHarness.tool("strace"), let bash = PrivacyHarness.tool("bash") {
            // Self-check: bash opening a TCP socket must show up, or the tracer proves nothing.
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("lc-strace-selfcheck-\(UUID()).txt")
            defer { try? FileManager.default.removeItem(at: out) }
            let r = try? PrivacyHarness.runTool(strace, ["-f", "-qq", "-e", "trace=network", "-e", "signal=none",
                                                         "-o", out.path, "--", bash, "-c",
                                                         "echo x > /dev/tcp/127.0.0.1/9 2>/dev/null; true"])
            let trace = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if let r, r.exited(0), trace.contains("socket(") { return .success(.strace(path: strace)) }
            why = "strace could not trace a test program (ptrace denied?): "
                + (r.map { $0.stderrText.prefix(300) + " / trace: " + trace.prefix(200) } ?? "did not start")
        }
        if let unshare = PrivacyHarness.tool("unshare") {
            for flags in [["-n"], ["-r", "-n"]] {
                if let r = try? PrivacyHarness.runTool(unshare, flags + ["--", "true"]), r.exited(0) {
                    return .success(.networkNamespace(command: [unshare] + flags + ["--"], whyNotStrace: why))
                }
            }
            why += "; unshare -n and unshare -rn both failed"
        } else {
            why += "; unshare is not installed"
        }
        return .failure(TracerUnavailable(reason: why))
    }()

    struct TracerUnavailable: Error, CustomStringConvertible {
        var reason: String
        var description: String { "no way to check for network use here: \(reason)" }
    }

    /// Runs `scenario` under the tracer and asserts it did its work and touched no network.
    static func expectNoNetwork(_ scenario: PrivacyHarness.Scenario,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tracer: Tracer
        switch Self.tracer {
        case let .success(t): tracer = t
        case let .failure(e):
            Issue.record("\(e)", sourceLocation: sourceLocation)
            return
        }
        let bin = try CLI.binaryURL().path
        switch tracer {
        case let .strace(strace):
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("lc-strace-\(UUID()).txt")
            defer { try? FileManager.default.removeItem(at: out) }
            let r = try CLI.run(["-f", "-qq", "-e", "trace=network", "-e", "signal=none", "-o", out.path, "--", bin]
                                    + scenario.arguments,
                                stdin: scenario.stdin, environment: scenario.environment, timeout: 300,
                                executable: URL(fileURLWithPath: strace))
            if let problem = scenario.check(r) {
                Issue.record("\(scenario.name) under strace: \(problem)", sourceLocation: sourceLocation)
            }
            let trace = try String(contentsOf: out, encoding: .utf8)
            // When the process exits while another of its threads sits in a system call, strace detaches from that
            // thread and writes `PID ???( <detached ...>` whatever the filter: it no longer knows which call it was
            // (seen once in CI for a pool thread blocked in futex). Every call strace did decode is counted.
            let calls = trace.split(separator: "\n").filter { line in
                let text = line.trimmingCharacters(in: .whitespaces)
                return !text.isEmpty && !(text.contains("???(") && text.hasSuffix("<detached ...>"))
            }
            #expect(calls.isEmpty, "\(scenario.name) made network system calls: \(calls.prefix(10))",
                    sourceLocation: sourceLocation)
            #expect(!trace.contains("socket("), sourceLocation: sourceLocation)
            print("no-network[\(scenario.name)]: strace -f -e trace=network saw \(calls.count) network calls")
        case let .networkNamespace(command, whyNotStrace):
            print("no-network[\(scenario.name)]: NOTE strace unusable (\(whyNotStrace)); ran in an empty network "
                + "namespace (\(command.joined(separator: " "))) instead: this shows nothing could be sent, "
                + "not that no socket was opened")
            let r = try CLI.run(Array(command.dropFirst()) + [bin] + scenario.arguments, stdin: scenario.stdin,
                                environment: scenario.environment, timeout: 300,
                                executable: URL(fileURLWithPath: command[0]))
            if let problem = scenario.check(r) {
                Issue.record("\(scenario.name) in a network namespace: \(problem)", sourceLocation: sourceLocation)
            }
        }
    }

    static func scenario(_ name: String) throws -> PrivacyHarness.Scenario {
        try #require(PrivacyHarness.scenarios(model: CLI.modelPath).first { $0.name == name })
    }

    static func requireModel() throws {
        try #require(PrivacyHarness.modelPresent, "the default model is missing at \(CLI.modelPath) (Scripts/fetch-model)")
    }

    @Test func tracerIsUsable() throws {
        switch Self.tracer {
        case let .success(.strace(path)): print("no-network: tracing with \(path)")
        case let .success(.networkNamespace(command, why)):
            print("no-network: NOTE falling back to \(command.joined(separator: " ")) because \(why)")
        case let .failure(e): Issue.record("\(e)")
        }
    }

    @Test func infoOpensNoSocket() throws {
        try Self.requireModel()
        try Self.expectNoNetwork(try Self.scenario("info"))
    }

    @Test func screenOpensNoSocket() throws {
        try Self.expectNoNetwork(try Self.scenario("screen"))
    }

    @Test(.enabled(if: PrivacyHarness.has("tokenize"), "tokenize has not landed in this build"))
    func tokenizeOpensNoSocket() throws {
        try Self.requireModel()
        try Self.expectNoNetwork(try Self.scenario("tokenize"))
    }

    @Test(.enabled(if: PrivacyHarness.has("generate"), "generate has not landed in this build"))
    func generateOpensNoSocket() throws {
        try Self.requireModel()
        try Self.expectNoNetwork(try Self.scenario("generate"))
    }

    @Test(.enabled(if: PrivacyHarness.has("chat"), "chat has not landed in this build"))
    func scriptedChatOpensNoSocket() throws {
        try Self.requireModel()
        try Self.expectNoNetwork(try Self.scenario("chat"))
    }

    @Test func transcriptReadOpensNoSocket() throws {
        let dir = try CLI.makeTemporaryDirectory(prefix: "lc-net-transcript")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.lct").path
        let passphrase = "a long enough passphrase"
        let w = try TranscriptWriter(path: path, passphrase: passphrase)
        try w.append(role: .user, text: "hello")
        try w.close()
        let scenario = PrivacyHarness.Scenario(
            name: "transcript read", arguments: ["transcript", "read", path], stdin: Data(),
            environment: [TranscriptPassphrase.environmentVariable: passphrase]) { r in
                r.exited(0) && r.stdoutText.contains("user: hello") ? nil : "transcript read failed: \(r)"
            }
        try Self.expectNoNetwork(scenario)
    }
}
