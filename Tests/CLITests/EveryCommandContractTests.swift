import Foundation
import Testing

/// The error contract, checked on every subcommand `localcounsel --help` lists, so that commands added
/// later are covered without new tests: `--help` exits 0; an unknown option exits 2 with one error line;
/// and, for commands that take `--model`, a missing, directory, empty or non-GGUF model path exits 1 with
/// one error line naming the path, with no crash and no hang (stdin is empty).
@Suite struct EveryCommandContractTests {
    /// Arguments a command needs before it gets as far as opening the model (required options).
    static func requiredArguments(for command: String, scratch: URL) -> [String] {
        switch command {
        case "generate": return ["--prompt", "Hello"]
        case "perplexity": return ["--file", scratch.appendingPathComponent("text.txt").path]
        default: return []
        }
    }

    /// Subcommand names from the SUBCOMMANDS section of the root help.
    static func subcommands() throws -> [String] {
        let help = try CLI.run(["--help"]).stdoutText
        guard let section = help.components(separatedBy: "SUBCOMMANDS:").dropFirst().first else { return [] }
        var names: [String] = []
        for line in section.split(separator: "\n") {
            guard line.hasPrefix("  ") else { break }
            if let name = line.split(separator: " ").first, !line.hasPrefix("   "), name != "help" {
                names.append(String(name))
            }
        }
        return names
    }

    @Test func subcommandsAreFound() throws {
        #expect(try Self.subcommands().contains("info"))
    }

    @Test func everyCommandKeepsTheContract() throws {
        let scratch = try CLI.makeTemporaryDirectory(prefix: "lc-contract")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let fm = FileManager.default
        _ = fm.createFile(atPath: scratch.appendingPathComponent("text.txt").path, contents: Data("Some text.\n".utf8))
        let empty = scratch.appendingPathComponent("empty.gguf").path
        _ = fm.createFile(atPath: empty, contents: Data())
        let notGGUF = scratch.appendingPathComponent("notes.gguf").path
        _ = fm.createFile(atPath: notGGUF, contents: Data("just some notes, not a model\n".utf8))
        let badPaths = [scratch.appendingPathComponent("missing.gguf").path, scratch.path, empty, notGGUF]

        for command in try Self.subcommands() {
            let help = try CLI.run([command, "--help"])
            #expect(help.exited(0), "\(command) --help: \(help)")
            let bogus = try CLI.run([command, "--no-such-option-anywhere"], timeout: 30)
            #expect(bogus.exited(2) && bogus.stderrLines.count == 1, "\(command) with an unknown option: \(bogus)")
            guard help.stdoutText.contains("--model") else { continue }
            let extra = Self.requiredArguments(for: command, scratch: scratch)
            for path in badPaths {
                let r = try CLI.run([command, "--model", path] + extra, timeout: 30)
                #expect(r.exited(1), "\(command) --model \(path): \(r)")
                #expect(r.stderrLines.count == 1, "\(command) --model \(path): \(r)")
                #expect(r.stderrText.hasPrefix("localcounsel: error: ") && r.stderrText.contains(path),
                        "\(command) --model \(path): \(r)")
            }
        }
    }
}
