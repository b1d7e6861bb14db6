import Foundation
import Testing

/// Runs the built `localcounsel` executable the way a user or a script would, for end-to-end tests of
/// every subcommand. Reuse it for your own command's tests:
///
/// ```swift
/// let r = try CLI.run(["tokenize", "--model", CLI.modelPath], stdin: Data("Hello".utf8))
/// #expect(r.exitCode == 0)
/// #expect(r.stdoutText.hasPrefix("[") && r.stdoutText.hasSuffix("]\n"))
/// #expect(r.stderrLines.isEmpty)
/// ```
///
/// - The binary is looked up once (see `binaryURL()`): `$LOCALCOUNSEL_BIN` if set, else beside the running
///   test bundle in the build products directory (so `-c release`, debug and `--scratch-path` all work,
///   as `swift build --build-tests` / `swift test` build the executable into the same directory), else
///   under `<package>/.build/{release,debug}`.
/// - stdin, stdout and stderr are temporary files, so a child that writes a lot or never reads its input
///   cannot deadlock the test; stdin is therefore not a terminal and ends where the given bytes end.
/// - The child inherits this process's environment, plus `environment`, minus `unsetting`.
/// - After `timeout` seconds the child is sent SIGTERM, then SIGKILL a second later; the result says `timedOut`.
enum CLI {
    /// What one run produced.
    struct Result: Sendable, CustomStringConvertible {
        /// Exit status, or the signal number when `signaled`.
        var exitCode: Int32
        /// True when the child was ended by a signal (a crash, a trap, or our timeout kill).
        var signaled: Bool
        /// True when the run exceeded its timeout and was killed.
        var timedOut: Bool
        var stdout: Data
        var stderr: Data

        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        /// Non-empty lines of stderr.
        var stderrLines: [String] { stderrText.split(separator: "\n").map(String.init) }
        /// A clean exit with `code` (no signal, no timeout).
        func exited(_ code: Int32) -> Bool { !signaled && !timedOut && exitCode == code }

        var description: String {
            "exit \(exitCode)\(signaled ? " (signal)" : "")\(timedOut ? " (timed out)" : "") "
                + "stdout: \(stdoutText.prefix(400).debugDescription) stderr: \(stderrText.prefix(2000).debugDescription)"
        }
    }

    enum RunnerError: Error, CustomStringConvertible {
        case binaryNotFound(searched: [String])
        var description: String {
            switch self {
            case let .binaryNotFound(searched):
                return "the localcounsel executable was not found (searched: \(searched.joined(separator: ", "))); "
                    + "build it (swift build --product localcounsel, or swift build --build-tests) or set LOCALCOUNSEL_BIN"
            }
        }
    }

    /// The package root, from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The real default model: `$LOCALCOUNSEL_MODEL` if set, else `<package>/models/…` (fetched by
    /// Scripts/fetch-model).
    static let modelPath: String = {
        if let p = ProcessInfo.processInfo.environment["LOCALCOUNSEL_MODEL"], !p.isEmpty { return p }
        return packageRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }()

    /// Where the `localcounsel` executable is; throws with what was searched when it is not built.
    static func binaryURL() throws -> URL { try located.get() }

    private static let located: Swift.Result<URL, RunnerError> = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["LOCALCOUNSEL_BIN"], !env.isEmpty {
            return fm.isExecutableFile(atPath: env) ? .success(URL(fileURLWithPath: env)) : .failure(.binaryNotFound(searched: [env]))
        }
        var dirs: [URL] = []
        // The running test bundle sits in the build products directory, beside the executable.
        var starts: [String] = [CommandLine.arguments.first ?? "", Bundle.main.bundlePath]
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") { starts.insert(exe, at: 0) }
        starts += Bundle.allBundles.map(\.bundlePath)
        for s in starts where !s.isEmpty {
            var d = URL(fileURLWithPath: s).deletingLastPathComponent()
            for _ in 0..<4 {  // up from …/X.xctest/Contents/MacOS on macOS
                dirs.append(d)
                d = d.deletingLastPathComponent()
            }
        }
        dirs += ["release", "debug"].map { packageRoot.appendingPathComponent(".build/\($0)") }
        var searched: [String] = []
        for d in dirs {
            let candidate = d.appendingPathComponent("localcounsel")
            if searched.contains(candidate.path) { continue }
            searched.append(candidate.path)
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue,
               fm.isExecutableFile(atPath: candidate.path) {
                return .success(candidate)
            }
        }
        return .failure(.binaryNotFound(searched: searched))
    }()

    /// Runs `localcounsel` with `arguments` (see the type's documentation).
    static func run(_ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:],
                    unsetting: [String] = [], currentDirectory: URL? = nil,
                    timeout: TimeInterval = 60, executable: URL? = nil) throws -> Result {
        let fm = FileManager.default
        let dir = try makeTemporaryDirectory(prefix: "lc-cli-run")
        defer { try? fm.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("stdin"), outURL = dir.appendingPathComponent("stdout")
        let errURL = dir.appendingPathComponent("stderr")
        try stdin.write(to: inURL)
        _ = fm.createFile(atPath: outURL.path, contents: nil)
        _ = fm.createFile(atPath: errURL.path, contents: nil)
        let inHandle = try FileHandle(forReadingFrom: inURL)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer { try? inHandle.close(); try? outHandle.close(); try? errHandle.close() }

        let p = Process()
        p.executableURL = try executable ?? binaryURL()
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for k in unsetting { env[k] = nil }
        env.merge(environment) { _, new in new }
        p.environment = env
        if let currentDirectory { p.currentDirectoryURL = currentDirectory }
        p.standardInput = inHandle
        p.standardOutput = outHandle
        p.standardError = errHandle
        try p.run()

        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { usleep(2_000) }
        var timedOut = false
        if p.isRunning {
            timedOut = true
            kill(p.processIdentifier, SIGTERM)
            let grace = Date().addingTimeInterval(1)
            while p.isRunning, Date() < grace { usleep(10_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
        return Result(exitCode: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal,
                      timedOut: timedOut, stdout: try Data(contentsOf: outURL), stderr: try Data(contentsOf: errURL))
    }

    /// A new empty directory under the system's temporary directory (the caller removes it).
    static func makeTemporaryDirectory(prefix: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
