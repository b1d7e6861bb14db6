import Foundation

/// Locates and reads the policy JSON files of the output filter, the crisis protocol and the screen classifier.
///
/// Both read from one policy folder (`Policy/` in the bundle, or a clinic's copy of it), so the helpline table is
/// the single source of truth for the numbers the crisis responses show *and* the numbers the output filter must
/// never treat as a third party's personal data.
enum PolicyFiles {
    /// Which layer a file belongs to; decides the error cases used.
    enum Layer: Sendable { case output, crisisProtocol, screen }

    /// The `Policy` folder shipped as a package resource.
    static func bundledDirectory() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Policy", withExtension: nil) else {
            throw SafetyPolicyError.policyBundleMissing
        }
        return url
    }

    /// Reads and decodes `relativePath` under `directory`, mapping every failure to a `SafetyPolicyError` that names
    /// the file. Decoding errors report the JSON path and the expected shape, never file content.
    static func decode<T: Decodable>(_ type: T.Type, _ relativePath: String, in directory: URL, layer: Layer) throws -> T {
        let url = directory.appendingPathComponent(relativePath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            switch layer {
            case .output: throw SafetyPolicyError.outputPolicyFileMissing(file: relativePath)
            case .crisisProtocol: throw SafetyPolicyError.protocolPolicyFileMissing(file: relativePath)
            case .screen: throw SafetyPolicyError.screenPolicyFileMissing(file: relativePath)
            }
        }
        let malformed: (String) -> SafetyPolicyError = { problem in
            switch layer {
            case .output: return .outputPolicyFileMalformed(file: relativePath, problem: problem)
            case .crisisProtocol: return .protocolPolicyFileMalformed(file: relativePath, problem: problem)
            case .screen: return .screenPolicyFileMalformed(file: relativePath, problem: problem)
            }
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw malformed("cannot be read")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw malformed(describe(error))
        } catch {
            throw malformed("not valid JSON")
        }
    }

    /// A short description of a decoding failure: where in the document, and what was wrong.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            let parts = keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
            return parts.isEmpty ? "top level" : parts.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing required field '\(key.stringValue)' at \(path(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath))"
        case .valueNotFound(let type, let context):
            return "null where \(type) is required at \(path(context.codingPath))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value at \(path(context.codingPath))"
        @unknown default:
            return "unexpected shape"
        }
    }
}
