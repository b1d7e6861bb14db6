import Foundation
import Testing
import LCGGUF
import LCKernels

/// Opens the real default model (fetched by Scripts/fetch-model) and checks its directory.
@Suite struct RealModelSmokeTests {
    static let path: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }()

    @Test func opensDefaultModel() throws {
        let f = try GGUFFile(path: Self.path)
        #expect(f.version == 3)
        #expect(try f.string("general.architecture") == "llama")
        #expect(try f.integer("llama.block_count") == 30)
        #expect(try f.integer("llama.embedding_length") == 576)
        #expect(try f.array("tokenizer.ggml.tokens").count == 49152)
        #expect(try f.array("tokenizer.ggml.merges").count == 48900)
        #expect(f.tensors.filter { $0.type == .q4_1 }.count == 210)
        #expect(f.tensors.filter { $0.type == .f32 }.count == 61)
        let embd = try #require(f.tensor(named: "token_embd.weight"))
        #expect(embd.type == .q8_0)
        #expect(embd.shape == [576, 49152])
        #expect(f.tensor(named: "output.weight") == nil)
    }
}
