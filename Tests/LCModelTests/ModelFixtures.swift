import Foundation
import LCGGUF
import LCModel

/// The reference fixtures written by Scripts/make-model-fixtures.py (llama.cpp through llama-cpp-python), and
/// the real model they were made with, loaded once for every test.
enum ModelFixtures {
    static let modelPath: String = {
        if let env = ProcessInfo.processInfo.environment["LOCALCOUNSEL_MODEL"], !env.isEmpty { return env }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }()

    /// The default model, loaded once (weights are views: loading is cheap, sharing avoids repeated mmaps).
    static let model: Result<LlamaModel, Error> = Result { try LlamaModel(path: modelPath) }

    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
            throw FixtureError.missing(name)
        }
        return url
    }

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(name)))
    }

    /// A little-endian float32 vector file.
    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: url(name))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    enum FixtureError: Error { case missing(String) }

    // MARK: Fixture shapes

    struct Top: Decodable {
        let top_ids: [Int]
        let top_values: [Float]
    }

    struct LogitCase: Decodable {
        let name: String
        let prompt_ids: [Int32]
        let flash_on: Top
        let flash_off: Top
        let full_vector: String?
        let exact_vector: String?
        let llama_cpp_vs_exact_max: Float?
    }

    struct LogitFile: Decodable { let cases: [LogitCase] }

    struct GreedyRun: Decodable {
        let ids: [Int32]
        let top2_gap: [Float]
    }

    struct GreedyCase: Decodable {
        let user: String
        let prompt_ids: [Int32]
        let flash_on: GreedyRun
        let flash_off: GreedyRun
    }

    struct GreedyFile: Decodable { let cases: [GreedyCase] }

    struct Chunk: Decodable {
        let chunk_nll: Double
        let chunk_ppl: Double
        let running_ppl: Double
    }

    struct PerplexityRun: Decodable {
        let ppl: Double
        let chunks: [Chunk]
    }

    struct PerplexityFile: Decodable {
        let tokens: [Int32]
        let n_chunk: Int
        let flash_on: PerplexityRun
        let flash_off: PerplexityRun
    }
}
