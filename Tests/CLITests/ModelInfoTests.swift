import Foundation
import Testing
import LocalCounsel

/// `ModelInfo` (the facade behind `localcounsel info`) reads any architecture's keys generically and
/// leaves out what is absent or not a number instead of failing.
@Suite struct ModelInfoTests {
    /// A minimal GGUF v3 image: string, uint32, float32 and array-of-int32 values, one F32 tensor.
    static func image(_ kvs: [(String, UInt32, [UInt8])], tensorElements: Int = 4) -> [UInt8] {
        var b: [UInt8] = Array("GGUF".utf8)
        func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        le(UInt32(3)); le(UInt64(1)); le(UInt64(kvs.count))
        for (key, type, payload) in kvs { le(UInt64(key.utf8.count)); b += Array(key.utf8); le(type); b += payload }
        let name = "w"
        le(UInt64(name.utf8.count)); b += Array(name.utf8); le(UInt32(1)); le(UInt64(tensorElements)); le(UInt32(0)); le(UInt64(0))
        while b.count % 32 != 0 { b.append(0) }
        return b + [UInt8](repeating: 0, count: 4 * tensorElements)
    }
    static func str(_ s: String) -> [UInt8] { withUnsafeBytes(of: UInt64(s.utf8.count).littleEndian) { Array($0) } + Array(s.utf8) }
    static func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func f32(_ v: Float) -> [UInt8] { u32(v.bitPattern) }

    @Test func readsAnyArchitectureGenerically() throws {
        let headsPerLayer = Self.u32(5) + withUnsafeBytes(of: UInt64(2).littleEndian) { Array($0) } + Self.u32(8) + Self.u32(4)
        let bytes = Self.image([
            ("general.architecture", 8, Self.str("qwen2")),
            ("qwen2.block_count", 4, Self.u32(24)),
            ("qwen2.embedding_length", 4, Self.u32(896)),
            ("qwen2.attention.head_count", 9, headsPerLayer),  // an array: not a single number, left out
            ("qwen2.rope.freq_base", 6, Self.f32(1_000_000)),
            ("llama.block_count", 4, Self.u32(99)),  // another architecture's key: ignored
            ("tokenizer.ggml.model", 8, Self.str("gpt2")),
        ])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lc-modelinfo-\(getpid()).gguf")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let info = try ModelInfo(path: url.path)
        #expect(info.architecture == "qwen2")
        #expect(info.hyperparameters.blockCount == 24)
        #expect(info.hyperparameters.embeddingLength == 896)
        #expect(info.hyperparameters.headCount == nil)
        #expect(info.hyperparameters.ropeFreqBase == 1_000_000)
        #expect(info.hyperparameters.vocabSize == nil)
        #expect(info.tokenizer.model == "gpt2" && info.tokenizer.vocabSize == 0 && !info.tokenizer.hasChatTemplate)
        #expect(info.tensorTypes == ["F32": 1] && info.parameterCount == 4 && info.fileSize == bytes.count)
        let json = try info.jsonLine()
        #expect(!json.contains("\n") && !json.contains("head_count") && json.contains("\"block_count\":24"))
        #expect(try JSONDecoder().decode(ModelInfo.self, from: Data(json.utf8)) == info)
    }
}
