import Foundation
import Testing
import LCGGUF
import LCModel

/// Hyperparameters and weight views: the real model's values, and a typed error naming the key or tensor for
/// every way a file can be wrong.
@Suite struct ModelLoadingTests {
    @Test func realModelHyperparameters() throws {
        let hp = try ModelFixtures.model.get().hyperparameters
        #expect(hp.architecture == "llama")
        #expect(hp.blockCount == 30 && hp.embeddingLength == 576 && hp.feedForwardLength == 1536)
        #expect(hp.headCount == 9 && hp.headCountKV == 3 && hp.headDim == 64 && hp.groupSize == 3)
        #expect(hp.ropeDimensionCount == 64 && hp.ropeFreqBase == 100_000)
        #expect(hp.rmsEpsilon == Float(1e-5) && hp.contextLength == 8192 && hp.vocabSize == 49152)
        #expect(hp.tiedOutput)
        let model = try ModelFixtures.model.get()
        #expect(model.output.type == .q8_0 && model.output.data == model.tokenEmbedding.data)  // a view, shared
        #expect(model.layers.count == 30 && model.layers[0].wq.type == .q4_1)
    }

    @Test func tinyFileLoads() throws {
        let model = try LlamaModel(file: TinyLlamaFile().file())
        #expect(model.hyperparameters.headDim == 16 && model.hyperparameters.tiedOutput)
    }

    @Test func otherArchitectureIsRejected() throws {
        var spec = TinyLlamaFile()
        spec.architecture = "gemma3"
        #expect(throws: ModelError.unsupportedArchitecture("gemma3")) { try LlamaModel(file: spec.file()) }
    }

    @Test func missingKeyIsNamed() throws {
        var spec = TinyLlamaFile()
        spec.omitKeys = ["llama.attention.layer_norm_rms_epsilon"]
        #expect(throws: ModelError.missingKey("llama.attention.layer_norm_rms_epsilon")) {
            try LlamaModel(file: spec.file())
        }
    }

    @Test func headCountThatDoesNotDivideIsRejected() throws {
        var spec = TinyLlamaFile()
        spec.kvHeads = 3
        #expect(throws: ModelError.self) { try LlamaModel(file: spec.file()) }
    }

    @Test func missingTensorIsNamed() throws {
        var spec = TinyLlamaFile()
        spec.omitTensors = ["blk.1.ffn_up.weight"]
        #expect(throws: ModelError.missingTensor("blk.1.ffn_up.weight")) { try LlamaModel(file: spec.file()) }
    }

    @Test func wrongShapeIsNamed() throws {
        var spec = TinyLlamaFile()
        spec.reshape = ["blk.0.attn_k.weight": [64, 64]]
        #expect(throws: ModelError.tensorShapeMismatch(tensor: "blk.0.attn_k.weight", expected: [64, 32], found: [64, 64])) {
            try LlamaModel(file: spec.file())
        }
    }

    @Test func errorMessagesNameTheirSubject() {
        #expect(ModelError.missingTensor("blk.3.attn_q.weight").errorDescription?.contains("blk.3.attn_q.weight") == true)
        #expect(ModelError.unsupportedArchitecture("mamba").errorDescription?.contains("unsupported architecture") == true)
    }

    @Test func runtimeOptionsAreValidated() throws {
        #expect(throws: ModelError.self) { try RuntimeOptions(contextLength: 0) }
        #expect(throws: ModelError.self) { try RuntimeOptions(threads: 0) }
        #expect(throws: ModelError.self) { try RuntimeOptions(batchSize: 0) }
        #expect(try RuntimeOptions(contextLength: 16, batchSize: 512).batchSize == 16)
        let model = try LlamaModel(file: TinyLlamaFile().file())
        #expect(throws: ModelError.self) { try InferenceState(model: model, options: RuntimeOptions(contextLength: 65)) }
    }
}
