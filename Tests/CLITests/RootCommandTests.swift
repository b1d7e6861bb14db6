import Foundation
import Testing

/// The exit-code and error-line contract of the root command (see LocalCounselCommand.swift).
@Suite struct RootCommandTests {
    /// A usage error: exit 2, nothing on stdout, exactly one `localcounsel: error:` line on stderr.
    static func expectUsageError(_ r: CLI.Result, mentioning text: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.exited(2), "\(r)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, "\(r)", sourceLocation: sourceLocation)
        #expect(r.stderrLines.count == 1, "\(r)", sourceLocation: sourceLocation)
        #expect(r.stderrText.hasPrefix("localcounsel: error: "), "\(r)", sourceLocation: sourceLocation)
        #expect(r.stderrText.contains(text), "\(r)", sourceLocation: sourceLocation)
    }

    @Test func helpExitsZero() throws {
        let r = try CLI.run(["--help"])
        #expect(r.exited(0), "\(r)")
        #expect(r.stdoutText.contains("USAGE: localcounsel"))
        #expect(r.stdoutText.contains("info"))
        #expect(r.stderr.isEmpty)
        let sub = try CLI.run(["info", "--help"])
        #expect(sub.exited(0), "\(sub)")
        #expect(sub.stdoutText.contains("--model") && sub.stdoutText.contains("--json"))
        let helpCommand = try CLI.run(["help", "info"])
        #expect(helpCommand.exited(0) && helpCommand.stdoutText.contains("--json"), "\(helpCommand)")
    }

    @Test func noArgumentsPrintsHelp() throws {
        let r = try CLI.run([])
        #expect(r.exited(0), "\(r)")
        #expect(r.stdoutText.contains("SUBCOMMANDS"))
    }

    @Test func unknownOptionIsAUsageError() throws {
        Self.expectUsageError(try CLI.run(["--bogus"]), mentioning: "--bogus")
        let r = try CLI.run(["info", "--bogus"])
        Self.expectUsageError(r, mentioning: "--bogus")
        #expect(r.stderrText.contains("localcounsel info --help"))
    }

    @Test func otherUsageErrors() throws {
        Self.expectUsageError(try CLI.run(["frobnicate"]), mentioning: "frobnicate")
        Self.expectUsageError(try CLI.run(["info", "--model"]), mentioning: "--model")
        Self.expectUsageError(try CLI.run(["info", "--model", ""]), mentioning: "--model")
        Self.expectUsageError(try CLI.run(["info", "--json", "extra"]), mentioning: "extra")
    }

    /// The runner itself: it kills a child that overruns its timeout and passes stdin bytes through unchanged.
    @Test func runnerTimesOut() throws {
        let t0 = Date()
        let r = try CLI.run(["60"], timeout: 0.3, executable: URL(fileURLWithPath: "/bin/sleep"))
        #expect(Date().timeIntervalSince(t0) < 5)
        #expect(r.timedOut && r.signaled)
        let cat = try CLI.run([], stdin: Data([0, 1, 2, 255]), executable: URL(fileURLWithPath: "/bin/cat"))
        #expect(cat.exited(0) && cat.stdout == Data([0, 1, 2, 255]))
    }
}
