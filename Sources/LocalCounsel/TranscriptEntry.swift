import Foundation

/// Who spoke in a transcript entry.
public enum TranscriptRole: String, Sendable, Equatable, CaseIterable {
    /// The system prompt the session ran with.
    case system
    /// What the person typed.
    case user
    /// What was shown in reply (model output, or the fixed crisis response).
    case assistant

    /// The byte stored in the file (stable across releases; never reuse a code).
    var code: UInt8 {
        switch self {
        case .system: return 1
        case .user: return 2
        case .assistant: return 3
        }
    }

    init?(code: UInt8) {
        switch code {
        case 1: self = .system
        case 2: self = .user
        case 3: self = .assistant
        default: return nil
        }
    }
}

/// One message of a decrypted transcript.
public struct TranscriptEntry: Sendable, Equatable {
    /// Who spoke.
    public var role: TranscriptRole
    /// The message text, exactly as appended.
    public var text: String
    /// When it was appended (millisecond precision).
    public var date: Date

    /// Creates an entry.
    public init(role: TranscriptRole, text: String, date: Date) {
        self.role = role
        self.text = text
        self.date = date
    }
}
