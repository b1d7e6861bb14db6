import ArgumentParser
import Foundation

/// The `localcounsel` command: the only place in the project that exits.
///
/// Exit codes (every subcommand keeps to these; errors are one line on stderr,
/// `localcounsel: error: <what went wrong>`, never a stack trace):
///
/// | code | meaning                                                                              |
/// |------|--------------------------------------------------------------------------------------|
/// | 0    | success, including `--help` and `help`                                               |
/// | 1    | runtime error: missing, unreadable or malformed model file, bad input data, any      |
/// |      | failure while running a command                                                      |
/// | 2    | usage error: unknown subcommand or option, missing or malformed option value, a value |
/// |      | out of range (anything `validate()` rejects)                                         |
///
/// (A process killed by a signal, e.g. Ctrl-C where a command does not handle it, reports 128 + the signal
/// number in the shell, as usual.)
///
/// To add a subcommand: one file `<Name>Command.swift` with a `ParsableCommand` or `AsyncParsableCommand`,
/// and one line in `subcommands` below. Throw `ValidationError` from `validate()` for bad option values
/// (exit 2) and any `LocalizedError` from `run()` for everything else (exit 1); `ModelOptions` gives the
/// shared `--model PATH`.
@main
struct LocalCounselCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localcounsel",
        abstract: "On-device counseling language model runtime: nothing leaves this computer.",
        subcommands: [
            InfoCommand.self,
            TokenizeCommand.self,
            ScreenCommand.self,
            ChatCommand.self,
        ]
    )

    /// Replaces ArgumentParser's `main` so that usage errors exit 2 (not 64) with one line, and a failing
    /// command exits 1 with one line.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            CLIExit.afterParseError(error, root: Self.self, arguments: arguments)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            CLIExit.afterRunError(error, root: Self.self, arguments: arguments)
        }
        CLIExit.exit(.success)
    }
}
