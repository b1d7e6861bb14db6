import ArgumentParser
import Foundation

/// The `localcounsel` command: the only place in the project that exits.
///
/// Exit codes (every subcommand keeps to these; errors are one line on stderr,
/// `localcounsel: error: <what went wrong>`, never a stack trace):
///
/// | Exit code | Meaning                                                                                |
/// |-----------|----------------------------------------------------------------------------------------|
/// | 0         | success, including `--help` and `help`                                                 |
/// | 1         | runtime error: missing, unreadable, non-GGUF or malformed model file; bad input data   |
/// | 2         | usage error: unknown subcommand or option, missing, malformed or out-of-range value    |
///
/// (A process killed by a signal, e.g. Ctrl-C where a command does not handle it, reports 128 + the signal
/// number in the shell, as usual.)
///
/// To add a subcommand: one file `<Name>Command.swift` with a `ParsableCommand` or `AsyncParsableCommand`,
/// and one line in `subcommands` below. Throw `ValidationError` from `validate()` for bad option values
/// (exit 2) and any `LocalizedError` from `run()` for everything else (exit 1; wrap model-loading calls in
/// `ModelFileError.naming(path) { ... }` so the message names the file). A command that has printed its
/// own diagnostics may `throw ExitCode(n)` to exit with `n` silently. `ModelOptions` gives the shared
/// `--model PATH`; `Tests/CLITests/CLIRunner.swift` runs the binary in tests, and
/// `EveryCommandContractTests` checks this contract on every listed subcommand.
@main
struct LocalCounselCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localcounsel",
        abstract: "On-device counseling language model runtime: nothing leaves this computer.",
        subcommands: [
            InfoCommand.self,
            TokenizeCommand.self,
            GenerateCommand.self,
            PerplexityCommand.self,
            BenchCommand.self,
            ScreenCommand.self,
            ChatCommand.self,
            TranscriptCommand.self,
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
            CLIExit.fail(error, root: Self.self, arguments: arguments)
        }
        // Only commands that push prompts through sgemm gain from OpenBLAS's AVX-512 kernels; the others
        // (screen, tokenize, info, help) are not worth a second process start.
        if command is EvaluatesPrompts { OpenBLASSetup.reexecIfUseful() }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            CLIExit.fail(error, root: Self.self, arguments: arguments)
        }
        CLIExit.exit(.success)
    }
}
