import ArgumentParser
import Foundation
import LocalCounsel

/// `localcounsel tokenize [--model PATH] [--no-special]`: the model's token ids for the text on stdin, as
/// one JSON array on one line (llama.cpp's ids: `tokenize(text, add_bos=False, special=True)`, or
/// `special=False` with `--no-special`). Invalid UTF-8 on stdin is an error (exit 1).
struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of the UTF-8 text on stdin as one JSON array.",
        discussion: """
            The whole input is tokenized exactly as given (no newline added or removed). Special-token texts \
            such as <|im_start|> become their tokens unless --no-special is given.
            """
    )

    @OptionGroup var modelOptions: ModelOptions

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
        let path = try modelOptions.resolvedPath()
        let tokenizer = try ModelFileError.naming(path) { try TokenizerLoader.load(from: try GGUFFile(path: path)) }
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
