import ArgumentParser
import Foundation

/// How the CLI ends: the exit-code contract documented on `LocalCounselCommand`, and the one-line error
/// format `localcounsel: error: <message>` on stderr.
enum CLIExit {
    /// The process exit codes.
    enum Status: Int32 {
        case success = 0
        case failure = 1
        case usage = 2
    }

    static func exit(_ status: Status) -> Never { exit(code: status.rawValue) }

    static func exit(code: Int32) -> Never {
        fflush(nil)  // stdout may be a pipe: what a command printed must not be lost
        Foundation.exit(code)
    }

    /// Writes `localcounsel: error: <message>` as a single line on stderr.
    static func printError(_ message: String) {
        let line = "localcounsel: error: " + oneLine(message) + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Collapses whitespace runs (newlines included) into single spaces.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Ends the process after `error`, thrown while parsing or running a command:
    /// - a help request (`--help`, `help`, a bare `localcounsel`) prints the help on stdout and exits 0;
    /// - a usage error (unknown option or subcommand, bad value, `ValidationError` from `validate()` or
    ///   `run()`) prints one line and exits 2 (ArgumentParser would exit 64);
    /// - an `ExitCode` exits with that code, printing nothing (the command has said what it had to);
    /// - anything else prints its `LocalizedError` description on one line and exits 1.
    static func fail(_ error: Error, root: ParsableCommand.Type, arguments: [String]) -> Never {
        let code = root.exitCode(for: error)
        if code == .success {
            print(root.fullMessage(for: error))
            exit(.success)
        }
        if code == .validationFailure { usageError(root.message(for: error), root: root, arguments: arguments) }
        let text = (error as? LocalizedError)?.errorDescription ?? root.message(for: error)
        if error is ExitCode || oneLine(text).isEmpty { exit(code: code.rawValue) }
        printError(text)
        exit(.failure)
    }

    static func usageError(_ message: String, root: ParsableCommand.Type, arguments: [String]) -> Never {
        let text = oneLine(message).isEmpty ? "invalid arguments" : message
        printError("\(oneLine(text)) (see '\(helpCommand(root: root, arguments: arguments))')")
        exit(.usage)
    }

    /// `localcounsel [subcommand] --help` for the subcommand named in the arguments, if any.
    static func helpCommand(root: ParsableCommand.Type, arguments: [String]) -> String {
        let rootName = root.configuration.commandName ?? "localcounsel"
        var path = [rootName]
        var current = root
        for arg in arguments where !arg.hasPrefix("-") {
            guard let sub = current.configuration.subcommands.first(where: {
                $0.configuration.commandName == arg || $0.configuration.aliases.contains(arg)
            }) else { break }
            path.append(arg)
            current = sub
        }
        return (path + ["--help"]).joined(separator: " ")
    }
}

/// Wraps a model-file error so that the message always names the file, even for errors found deep
/// inside it (a truncated tensor, an unknown type) whose own text does not carry the path.
struct ModelFileError: LocalizedError {
    let path: String
    let underlying: Error

    var errorDescription: String? {
        let text = (underlying as? LocalizedError)?.errorDescription ?? String(describing: underlying)
        return text.contains(path) ? text : "model file '\(path)': \(text)"
    }

    /// Runs `body`, re-throwing its errors as `ModelFileError`s that name `path`.
    static func naming<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw ModelFileError(path: path, underlying: error) }
    }
}
