import Foundation

/// Why the input screen's policy data could not be loaded.
///
/// The caller fails closed on any of these: without a valid screen the chat must not run. Every case names the
/// file (relative to the policy folder) and, where it applies, the line and entry at fault. No case carries
/// message text, only policy content and locations.
///
/// Merge note: the output filter's branch declares the same enum with `output…` / `protocol…` cases and
/// `policyBundleMissing`; when both land, the `screenPolicy…` cases below move into that one declaration.
public enum SafetyPolicyError: LocalizedError, Equatable, Sendable {
    /// The screen's policy folder, or a file it needs, does not exist.
    case screenPolicyFileMissing(file: String)
    /// A screen policy file exists but cannot be read as UTF-8 text.
    case screenPolicyFileUnreadable(file: String)
    /// One line of a screen policy file is wrong: `entry` is the rule id or directive, `problem` says what is wrong.
    case screenPolicyEntryInvalid(file: String, line: Int, entry: String, problem: String)
    /// The policy folder as a whole is incomplete (for example a crisis category without any rule).
    case screenPolicyIncomplete(problem: String)
    /// The policy folder was not found inside the package's resource bundle.
    case policyBundleMissing

    /// A one-line description naming the file, line, entry and problem.
    public var errorDescription: String? {
        switch self {
        case .screenPolicyFileMissing(let file):
            return "crisis screen policy file missing: \(file)"
        case .screenPolicyFileUnreadable(let file):
            return "crisis screen policy file \(file) cannot be read as UTF-8 text"
        case .screenPolicyEntryInvalid(let file, let line, let entry, let problem):
            return "crisis screen policy \(file), line \(line), '\(entry)': \(problem)"
        case .screenPolicyIncomplete(let problem):
            return "crisis screen policy is incomplete: \(problem)"
        case .policyBundleMissing:
            return "the safety policy folder is missing from the LCSafety resource bundle"
        }
    }
}
