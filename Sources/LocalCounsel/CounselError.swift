import Foundation

/// Errors of the `LocalCounsel` facade. None carries message text.
public enum CounselError: LocalizedError, Equatable, Sendable {
    /// An option is out of range (the text names it and the allowed values).
    case invalidOption(String)
    /// The safety layer could not be loaded or failed: the session does not run unscreened.
    case safetyUnavailable(String)
    /// The session was closed.
    case sessionClosed

    /// A one-line description.
    public var errorDescription: String? {
        switch self {
        case let .invalidOption(what): return what
        case let .safetyUnavailable(why): return "the safety layer is unavailable (\(why)); chat cannot run unscreened"
        case .sessionClosed: return "the session is closed"
        }
    }
}
