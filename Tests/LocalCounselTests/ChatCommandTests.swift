import Foundation
import Testing

/// Runs the built `localcounsel chat` the way a script would: piped stdin, stdout and stderr captured.
@Suite(.serialized) struct ChatCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable beside this test bundle (both are built into the same products directory), or
    /// `$LOCALCOUNSEL_BIN`.
    static func binary() throws -> URL {
        let env = ProcessInfo.processInfo.environment
        if let p = env["LOCALCOUNSEL_BIN"], !p.isEmpty { return URL(fileURLWithPath: p) }
        let fm = FileManager.default
        var candidates: [URL] = []
        for start in [CommandLine.arguments.first ?? "", Bundle.main.bundlePath] where !start.isEmpty {
            var dir = URL(fileURLWithPath: start).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("localcounsel"))
                dir = dir.deletingLastPathComponent()
            }
        }
        if let found = candidates.first(where: { fm.isExecutableFile(atPath: $0.path) }) { return found }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates.map(\.path).joined(separator: ", ")])
    }

    static func run(_ arguments: [String], stdin: String, timeout: TimeInterval = 300) throws -> Run {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lc-chat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("in"), outURL = dir.appendingPathComponent("out"),
            errURL = dir.appendingPathComponent("err")
        try Data(stdin.utf8).write(to: inURL)
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = try binary()
        p.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOCALCOUNSEL_MODEL"] = RealModelChatTests.path
        p.environment = environment
        p.standardInput = try FileHandle(forReadingFrom: inURL)
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                   stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    static let common = ["chat", "--seed", "3", "--max-tokens", "8", "--ctx", "512", "--country", "US", "--stats"]

    @Test func pipedChatEndToEnd() throws {
        let input = "Hello, I had a long day.\nI want to kill myself tonight.\n/stats\nThanks for listening.\n"
        let r = try Self.run(Self.common, stdin: input)
        #expect(r.status == 0, "\(r.stderr)")
        // Banner and figures on stderr, replies on stdout.
        #expect(r.stderr.contains("not a clinician"))
        #expect(r.stderr.contains("entirely on this computer"))
        #expect(r.stderr.contains("replies: 2 (crisis responses 1"))
        #expect(!r.stderr.contains("error"))
        #expect(!r.stdout.contains("not a clinician"))
        // The crisis message was answered by the reviewed response with the US line, not by the model.
        #expect(r.stdout.contains("988"))
        let figures = r.stderr.split(separator: "\n").filter { $0.hasPrefix("[prompt ") || $0.hasPrefix("[crisis_response") }
        #expect(figures.count == 3)
        #expect(figures.count >= 2 && figures[1].hasPrefix("[crisis_response"))
        // The third reply reused the history in the cache.
        let last = try #require(r.stderr.components(separatedBy: "\n").last { $0.hasPrefix("[prompt ") })
        #expect(!last.contains("reused 0,"))
        // Same seed, same replies.
        let again = try Self.run(Self.common, stdin: input)
        #expect(again.stdout == r.stdout)
    }

    @Test func badOptionsAreOneLineUsageErrors() throws {
        let r = try Self.run(["chat", "--top-p", "1.5"], stdin: "")
        #expect(r.status == 2)
        #expect(r.stderr.contains("top-p must be in (0, 1], got 1.5"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        let c = try Self.run(["chat", "--country", "Narnia"], stdin: "")
        #expect(c.status == 2)
        #expect(c.stderr.contains("two-letter ISO code"))
    }

    @Test func endOfInputRightAwayExitsZero() throws {
        let r = try Self.run(["chat"], stdin: "")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
