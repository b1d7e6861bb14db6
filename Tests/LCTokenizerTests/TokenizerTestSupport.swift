import Foundation
import LCTokenizer
import LocalCounsel

/// Shared fixtures: the real model's tokenizer (loaded once) and the llama.cpp parity cases.
enum TokenizerTestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var modelPath: String {
        if let env = ProcessInfo.processInfo.environment["LOCALCOUNSEL_MODEL"], !env.isEmpty { return env }
        return packageRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }

    /// The default model's tokenizer, or the error that stopped it loading.
    static let realTokenizer: Result<BPETokenizer, any Error> = Result {
        try TokenizerLoader.load(from: try GGUFFile(path: modelPath))
    }

    /// One string and llama.cpp's ids for it with `special = true` and `special = false`.
    struct ParityCase: Decodable {
        let text: String
        let special: [TokenID]
        let plain: [TokenID]
    }

    struct ParityFile: Decodable {
        let model: String
        /// The GGUF file the ids were made with, when not the default model (a variant written by
        /// Scripts/fuzz-tokenizer), and a name for it.
        let modelPath: String?
        let variant: String?
        /// llama.cpp's end-of-generation ids, when recorded.
        let eog: [TokenID]?
        let reference: String
        let cases: [ParityCase]
        /// llama.cpp's piece (token_to_piece, special = true) of a sample of ids, as hex.
        let pieces: [PieceCase]?

        enum CodingKeys: String, CodingKey {
            case model, modelPath = "model_path", variant, eog, reference, cases, pieces
        }
    }

    struct PieceCase: Decodable {
        let id: TokenID
        let hex: String

        var bytes: [UInt8] {
            var out: [UInt8] = []
            var it = hex.utf8.makeIterator()
            func nibble(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10 }
            while let hi = it.next(), let lo = it.next() { out.append(nibble(hi) << 4 | nibble(lo)) }
            return out
        }
    }

    static func loadParityFile(_ url: URL) throws -> ParityFile {
        try JSONDecoder().decode(ParityFile.self, from: Data(contentsOf: url))
    }

    static let fixtureURL = packageRoot.appendingPathComponent("Tests/LCTokenizerTests/Fixtures/tokenizer-parity.json")

}
