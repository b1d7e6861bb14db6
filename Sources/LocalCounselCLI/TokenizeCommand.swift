import ArgumentParser
import Foundation
import LocalCounsel

/// `localcounsel tokenize`: the model's token ids for the text on stdin, as one JSON array on one line.
struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of the UTF-8 text on stdin as one JSON array.",
        discussion: """
            The whole input is tokenized exactly as given (no newline added or removed). Special-token texts \
            such as <|im_start|> become their tokens unless --no-special is given.
            """
    )

    @Option(name: .long, help: "Path to a GGUF model (default: LOCALCOUNSEL_MODEL or models/).")
    var model: String?

    @Flag(name: .long, help: "Tokenize special-token texts such as <|im_start|> as plain text.")
    var noSpecial = false

    /// Errors of this command that are not about the model file.
    enum Failure: LocalizedError, Equatable {
        case invalidUTF8OnStdin

        var errorDescription: String? {
            switch self {
            case .invalidUTF8OnStdin: return "stdin is not valid UTF-8"
            }
        }
    }

    func run() async throws {
        let path = try ModelLocator.resolve(explicit: model)
        let tokenizer = try TokenizerLoader.load(from: try GGUFFile(path: path))
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let text = String(validating: input, as: UTF8.self) else { throw Failure.invalidUTF8OnStdin }
        let ids = tokenizer.encode(text, parseSpecial: !noSpecial)
        var line = "["
        line.reserveCapacity(ids.count * 6 + 2)
        for (i, id) in ids.enumerated() {
            if i > 0 { line += "," }
            line += String(id)
        }
        line += "]\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }
}
