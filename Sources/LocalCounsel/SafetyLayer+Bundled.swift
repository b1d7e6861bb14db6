import Foundation

/// The shipped `LCSafety.CrisisScreen` as the session's input screen.
extension CrisisScreen: CrisisScreening {
    /// Screens with the loaded policy (never throws; the policy was validated at load).
    public func assess(_ text: String) throws -> CrisisAssessment {
        let v = screen(text)
        return CrisisAssessment(isCrisis: v.isCrisis, category: v.category.map { SafetyCategory(rawValue: $0.rawValue) },
                                needsClarification: v.needsClarification, inProgress: v.inProgress,
                                language: v.language)
    }
}

extension SafetyLayer {
    /// The policy shipped in the package: crisis screen, streaming output filter and crisis responder, each
    /// loaded and validated now. Throws (and no session opens) when any part is missing or invalid.
    public static func bundled() throws -> SafetyLayer {
        let screen = try CrisisScreen.bundled()
        _ = screen
        throw CounselError.safetyUnavailable("the output filter and crisis responder are not part of this build")
    }
}
