import Foundation

/// Why the output filter's, the crisis protocol's or the input screen's policy data could not be loaded.
///
/// The safety layer fails closed: any of these means the chat must not run unscreened. Every case names the file
/// (relative to the policy folder), and where it applies the entry and the problem, so a clinic editing the data
/// can find the mistake. No case ever carries message text — only policy content and locations.
/// (Case names are prefixed `output…` / `protocol…` / `screen…` by layer.)
public enum SafetyPolicyError: LocalizedError, Equatable, Sendable {
    /// The policy folder or one of its files does not exist.
    case outputPolicyFileMissing(file: String)
    /// A file exists but could not be read or is not valid JSON of the expected shape.
    case outputPolicyFileMalformed(file: String, problem: String)
    /// One entry of an output-filter file breaks a rule (empty text, bad regular expression, unknown category...).
    case outputPolicyEntryInvalid(file: String, entry: String, problem: String)
    /// A crisis-protocol file (helplines, responses) is missing.
    case protocolPolicyFileMissing(file: String)
    /// A crisis-protocol file could not be read or is not valid JSON of the expected shape.
    case protocolPolicyFileMalformed(file: String, problem: String)
    /// One entry of a crisis-protocol file breaks a rule (bad ISO code, bad date, unresolvable placeholder...).
    case protocolPolicyEntryInvalid(file: String, entry: String, problem: String)
    /// The input screen's policy folder, or a file it needs, does not exist.
    case screenPolicyFileMissing(file: String)
    /// An input-screen policy file exists but cannot be read as UTF-8 text.
    case screenPolicyFileUnreadable(file: String)
    /// One line of an input-screen policy file is wrong: `entry` is the rule id or directive.
    case screenPolicyEntryInvalid(file: String, line: Int, entry: String, problem: String)
    /// An input-screen JSON file (`screen/classifier.json`) exists but is not valid JSON of the expected shape.
    case screenPolicyFileMalformed(file: String, problem: String)
    /// One entry of the screen classifier file is wrong (bad bucket count, weight row, threshold, or a probe the
    /// code scores differently from the training script).
    case screenClassifierInvalid(file: String, entry: String, problem: String)
    /// The input-screen policy as a whole is incomplete (for example a crisis category without any rule).
    case screenPolicyIncomplete(problem: String)
    /// The policy folder was not found inside the package's resource bundle.
    case policyBundleMissing

    /// A one-line description naming the file, entry and problem.
    public var errorDescription: String? {
        switch self {
        case .outputPolicyFileMissing(let file):
            return "output safety policy file missing: \(file)"
        case .outputPolicyFileMalformed(let file, let problem):
            return "output safety policy file \(file) is malformed: \(problem)"
        case .outputPolicyEntryInvalid(let file, let entry, let problem):
            return "output safety policy \(file), entry '\(entry)': \(problem)"
        case .protocolPolicyFileMissing(let file):
            return "crisis protocol file missing: \(file)"
        case .protocolPolicyFileMalformed(let file, let problem):
            return "crisis protocol file \(file) is malformed: \(problem)"
        case .protocolPolicyEntryInvalid(let file, let entry, let problem):
            return "crisis protocol \(file), entry '\(entry)': \(problem)"
        case .screenPolicyFileMissing(let file):
            return "crisis screen policy file missing: \(file)"
        case .screenPolicyFileUnreadable(let file):
            return "crisis screen policy file \(file) cannot be read as UTF-8 text"
        case .screenPolicyEntryInvalid(let file, let line, let entry, let problem):
            return "crisis screen policy \(file), line \(line), '\(entry)': \(problem)"
        case .screenPolicyFileMalformed(let file, let problem):
            return "crisis screen policy file \(file) is malformed: \(problem)"
        case .screenClassifierInvalid(let file, let entry, let problem):
            return "crisis screen policy \(file), entry '\(entry)': \(problem)"
        case .screenPolicyIncomplete(let problem):
            return "crisis screen policy is incomplete: \(problem)"
        case .policyBundleMissing:
            return "the safety policy folder is missing from the LCSafety resource bundle"
        }
    }
}
