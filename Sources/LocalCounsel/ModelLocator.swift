import Foundation

/// Finds the model file when the caller gives no explicit path.
public enum ModelLocator {
    /// The default model's file name (see models/MANIFEST.tsv).
    public static let defaultModelName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// Errors in locating a model.
    public enum LocateError: LocalizedError, Equatable {
        /// No model found; lists where it looked.
        case notFound(searched: [String])
        public var errorDescription: String? {
            switch self {
            case let .notFound(searched):
                return "no model file found (looked in: \(searched.joined(separator: ", "))). "
                    + "Fetch the default model with `Scripts/fetch-model`, or pass --model PATH, "
                    + "or set LOCALCOUNSEL_MODEL."
            }
        }
    }

    /// Resolves the model path: an explicit path wins; then `LOCALCOUNSEL_MODEL`; then `models/` in the
    /// current directory, beside the executable and its ancestors (the package checkout).
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               executablePath: String? = CommandLine.arguments.first) throws -> String {
        if let explicit { return explicit }
        if let env = environment["LOCALCOUNSEL_MODEL"], !env.isEmpty { return env }
        var candidates: [String] = []
        let fm = FileManager.default
        candidates.append(fm.currentDirectoryPath + "/models/" + defaultModelName)
        if let exe = executablePath {
            var dir = URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<6 {
                candidates.append(dir.appendingPathComponent("models/" + defaultModelName).path)
                dir = dir.deletingLastPathComponent()
            }
        }
        var seen = Set<String>()
        candidates = candidates.filter { seen.insert($0).inserted }
        for c in candidates where fm.isReadableFile(atPath: c) { return c }
        throw LocateError.notFound(searched: candidates)
    }
}
