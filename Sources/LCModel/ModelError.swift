import Foundation
import LCKernels

/// Everything that can go wrong building or running a model, each case naming the key, tensor or option at
/// fault. Message text (token content) never appears here, only ids and counts.
public enum ModelError: LocalizedError, Equatable, Sendable {
    /// `general.architecture` names an architecture this runtime does not implement.
    case unsupportedArchitecture(String)
    /// A required metadata key is absent.
    case missingKey(String)
    /// A metadata key holds a value that cannot work (zero heads, odd head size, ...).
    case invalidHyperparameter(key: String, value: String, reason: String)
    /// The model uses a feature this runtime does not implement (e.g. rope scaling).
    case unsupportedFeature(key: String, reason: String)
    /// A required tensor is absent.
    case missingTensor(String)
    /// A tensor's shape (ggml order) differs from what the hyperparameters imply.
    case tensorShapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// A tensor's element type has no kernel (or is not allowed in that role).
    case unsupportedTensorType(tensor: String, type: GGMLType)
    /// A tensor's data does not lie inside the file mapping.
    case tensorOutOfBounds(tensor: String)
    /// A runtime option is out of range.
    case invalidOption(name: String, value: Int, reason: String)
    /// Evaluating `requested` more tokens at `position` would pass the context length.
    case contextOverflow(position: Int, requested: Int, contextLength: Int)
    /// A token id outside `0..<vocabSize`.
    case tokenOutOfRange(id: Int32, vocabSize: Int)
    /// `evaluate` was called with no tokens.
    case emptyInput
    /// All-position logits were asked for without `RuntimeOptions.allPositionLogits`, or for more tokens than
    /// one batch holds.
    case allPositionLogitsUnavailable(requested: Int, batchSize: Int, enabled: Bool)

    public var errorDescription: String? {
        switch self {
        case let .unsupportedArchitecture(arch):
            return "unsupported architecture '\(arch)' (general.architecture); this runtime implements 'llama'"
        case let .missingKey(key): return "model metadata key '\(key)' is missing"
        case let .invalidHyperparameter(key, value, reason):
            return "model metadata key '\(key)' = \(value) is invalid: \(reason)"
        case let .unsupportedFeature(key, reason): return "model metadata key '\(key)': \(reason)"
        case let .missingTensor(name): return "model tensor '\(name)' is missing"
        case let .tensorShapeMismatch(name, expected, found):
            return "model tensor '\(name)' has shape \(found), expected \(expected)"
        case let .unsupportedTensorType(name, type): return "model tensor '\(name)' has unsupported type \(type)"
        case let .tensorOutOfBounds(name): return "model tensor '\(name)' lies outside the file"
        case let .invalidOption(name, value, reason): return "invalid \(name) \(value): \(reason)"
        case let .contextOverflow(position, requested, contextLength):
            return "context overflow: \(position) tokens in the cache + \(requested) new exceed the context length "
                + "\(contextLength)"
        case let .tokenOutOfRange(id, vocabSize): return "token id \(id) is outside the vocabulary (0..<\(vocabSize))"
        case .emptyInput: return "no tokens to evaluate"
        case let .allPositionLogitsUnavailable(requested, batchSize, enabled):
            return enabled
                ? "all-position logits for \(requested) tokens exceed the batch size \(batchSize)"
                : "all-position logits were not enabled in the runtime options"
        }
    }
}
