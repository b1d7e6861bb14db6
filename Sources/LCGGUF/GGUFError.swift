import Foundation

/// Everything that can be wrong with a GGUF file, each case naming the file, key or tensor at fault.
public enum GGUFError: LocalizedError, Equatable, Sendable {
    /// The path could not be opened or mapped (`reason` is the system's word for it).
    case cannotOpen(path: String, reason: String)
    /// The path is a directory or another non-regular file.
    case notARegularFile(path: String)
    /// The file is empty or too short to hold even the 4-byte magic number.
    case tooSmall(path: String, size: Int)
    /// The first four bytes are not `GGUF`.
    case badMagic(path: String)
    /// A GGUF version this reader does not handle (it reads 2 and 3).
    case unsupportedVersion(UInt32)
    /// The file ends in the middle of `what`.
    case truncated(what: String)
    /// A count, length or rank is beyond what any sane file holds.
    case limitExceeded(what: String, value: UInt64, limit: UInt64)
    /// A string that is not valid UTF-8.
    case invalidUTF8(what: String)
    /// A metadata value type id that GGUF does not define.
    case unknownValueType(key: String, raw: UInt32)
    /// The same metadata key appears twice.
    case duplicateKey(String)
    /// The same tensor name appears twice.
    case duplicateTensor(String)
    /// `general.alignment` is zero, not a power of two, or absurd.
    case badAlignment(UInt64)
    /// A tensor element type id that ggml does not define.
    case unknownTensorType(tensor: String, raw: UInt32)
    /// A tensor whose shape is empty, has a zero or overflowing dimension, or does not fill whole blocks.
    case badShape(tensor: String, shape: [UInt64], reason: String)
    /// A tensor whose data offset is not a multiple of the alignment.
    case misalignedTensor(tensor: String, offset: UInt64, alignment: Int)
    /// A tensor whose data lies (partly) past the end of the file.
    case tensorOutOfBounds(tensor: String, end: UInt64, fileSize: Int)
    /// A required metadata key is absent.
    case missingKey(String)
    /// A metadata key holds a value of another type than the one asked for.
    case typeMismatch(key: String, expected: String, found: String)

    public var errorDescription: String? {
        switch self {
        case let .cannotOpen(path, reason): return "cannot open model file '\(path)': \(reason)"
        case let .notARegularFile(path): return "'\(path)' is not a regular file (a directory?)"
        case let .tooSmall(path, size): return "'\(path)' is too small to be a GGUF file (\(size) bytes)"
        case let .badMagic(path): return "'\(path)' is not a GGUF file (bad magic number)"
        case let .unsupportedVersion(v): return "unsupported GGUF version \(v) (supported: 2, 3)"
        case let .truncated(what): return "GGUF file is truncated: it ends inside \(what)"
        case let .limitExceeded(what, value, limit): return "GGUF \(what) is \(value), over the limit of \(limit)"
        case let .invalidUTF8(what): return "GGUF \(what) is not valid UTF-8"
        case let .unknownValueType(key, raw): return "GGUF metadata key '\(key)' has unknown value type \(raw)"
        case let .duplicateKey(key): return "GGUF metadata key '\(key)' appears more than once"
        case let .duplicateTensor(name): return "GGUF tensor '\(name)' appears more than once"
        case let .badAlignment(a): return "GGUF general.alignment \(a) is not a power of two between 1 and 65536"
        case let .unknownTensorType(tensor, raw): return "GGUF tensor '\(tensor)' has unknown type id \(raw)"
        case let .badShape(tensor, shape, reason): return "GGUF tensor '\(tensor)' has bad shape \(shape): \(reason)"
        case let .misalignedTensor(tensor, offset, alignment):
            return "GGUF tensor '\(tensor)' data offset \(offset) is not a multiple of the alignment \(alignment)"
        case let .tensorOutOfBounds(tensor, end, size):
            return "GGUF tensor '\(tensor)' extends to byte \(end), past the end of the file (\(size) bytes)"
        case let .missingKey(key): return "GGUF metadata key '\(key)' is missing"
        case let .typeMismatch(key, expected, found):
            return "GGUF metadata key '\(key)' holds \(found), expected \(expected)"
        }
    }
}
