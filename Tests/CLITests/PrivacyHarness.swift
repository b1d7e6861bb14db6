import Foundation
import Testing

/// Shared helpers for the privacy tests (no network, nothing at rest, no message text in logs, soak).
///
/// Builds on `CLI` (CLIRunner.swift) for ordinary runs; adds what those tests need on top: tool lookup, a check
/// for which subcommands this build has (tests for a command another branch has not landed yet are *disabled*
/// with that reason, so they show as skipped, never as passed), and running a command under a syscall tracer.
enum PrivacyHarness {
    /// The first executable called `name` on PATH (or in the usual system directories).
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        for d in dirs {
            let candidate = d + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs any program (not the CLI) with the `CLI` runner's plumbing.
    static func runTool(_ path: String, _ arguments: [String], stdin: Data = Data(),
                        timeout: TimeInterval = 60) throws -> CLI.Result {
        try CLI.run(arguments, stdin: stdin, timeout: timeout, executable: URL(fileURLWithPath: path))
    }

    /// Subcommand names listed in `localcounsel --help` (read once).
    private static let subcommands: Set<String> = {
        guard let r = try? CLI.run(["--help"], timeout: 30), r.exited(0) else { return [] }
        var names: Set<String> = []
        var inList = false
        for line in r.stdoutText.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inList = true; continue }
            guard inList else { continue }
            // Entries are indented by exactly two spaces; wrapped descriptions by more.
            if line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first {
                names.insert(String(name))
            }
        }
        return names
    }()

    /// Whether this build of `localcounsel` has subcommand `name` (listed in `localcounsel --help`).
    static func has(_ name: String) -> Bool { subcommands.contains(name) }

    /// True when the default model file is present (the test command fetches it).
    static var modelPresent: Bool { FileManager.default.isReadableFile(atPath: CLI.modelPath) }

    /// A user message used as a marker: unique per call, so finding it anywhere proves a leak.
    static func marker(_ tag: String) -> String { "zq\(tag)\(UUID().uuidString.prefix(8).lowercased())xv" }
}

extension PrivacyHarness {
    /// The commands exercised by the no-network and no-text-in-logs tests: one representative run each, with the
    /// check that it really did its work (so a command that failed early cannot pass as "opened no socket").
    struct Scenario: Sendable, CustomStringConvertible {
        var name: String
        var arguments: [String]
        var stdin: Data
        var environment: [String: String] = [:]
        /// Checks the untraced outcome: returns a problem, or nil when the run did what it should.
        var check: @Sendable (CLI.Result) -> String?
        var description: String { name }
    }

    /// A short piped chat: a greeting, a crisis message (answered by the protocol, never the model) and a
    /// question; stdin ends, so the chat exits 0.
    static func chatInput(marker: String) -> Data {
        Data("""
            Hello, I have had a rough week \(marker)
            I want to kill myself tonight \(marker)
            What helps with sleeping badly? \(marker)

            """.utf8)
    }

    static func scenarios(model: String) -> [Scenario] {
        @Sendable func succeeded(_ r: CLI.Result) -> String? { r.exited(0) ? nil : "expected exit 0, got \(r)" }
        return [
            Scenario(name: "info", arguments: ["info", "--model", model], stdin: Data()) { r in
                succeeded(r) ?? (r.stdoutText.contains("llama") ? nil : "info did not describe the model: \(r)")
            },
            Scenario(name: "tokenize", arguments: ["tokenize", "--model", model],
                     stdin: Data("I feel a bit anxious today.".utf8)) { r in
                succeeded(r) ?? (r.stdoutText.hasPrefix("[") ? nil : "tokenize printed no id array: \(r)")
            },
            Scenario(name: "generate", arguments: ["generate", "--model", model, "--prompt", "Hello", "--max-tokens", "4",
                                                   "--temp", "0"], stdin: Data()) { r in succeeded(r) },
            Scenario(name: "screen", arguments: ["screen"],
                     stdin: Data("{\"id\":1,\"text\":\"I want to kill myself\"}\n{\"id\":2,\"text\":\"hello\"}\n".utf8)) { r in
                succeeded(r) ?? (r.stdoutText.split(separator: "\n").count == 2 && r.stdoutText.contains("\"verdict\"")
                    ? nil : "screen did not print one verdict per line: \(r)")
            },
            Scenario(name: "chat", arguments: ["chat", "--model", model, "--max-tokens", "6", "--seed", "1"],
                     stdin: chatInput(marker: "netcheck")) { r in succeeded(r) },
        ]
    }
}
