import Foundation

/// An ISO 3166-1 alpha-2 country code (upper case), used to pick helplines for the user's locale.
public struct CountryCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// Two upper-case ASCII letters, e.g. "US", "DE".
    public let rawValue: String

    /// Accepts two ASCII letters in either case; nil otherwise.
    public init?(rawValue: String) {
        let up = rawValue.uppercased()
        guard up.count == 2, up.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else { return nil }
        self.rawValue = up
    }

    /// The code.
    public var description: String { rawValue }

    /// Parses a user-supplied code, throwing a clear error for anything else.
    public static func parse(_ text: String) throws -> CountryCode {
        guard let c = CountryCode(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
            throw CounselError.invalidOption("country must be a two-letter ISO code such as US or DE, got \(text.debugDescription)")
        }
        return c
    }

    /// The country from `LOCALCOUNSEL_COUNTRY`, else the region of `LC_ALL`, `LC_MESSAGES` or `LANG`
    /// (e.g. "de_DE.UTF-8" → DE); nil when none names one (the C/POSIX locale names none). The caller passes
    /// the environment, so the library reads no hidden global state.
    public static func fromEnvironment(_ environment: [String: String]) -> CountryCode? {
        if let v = environment["LOCALCOUNSEL_COUNTRY"], let c = CountryCode(rawValue: v) { return c }
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let locale = environment[key], !locale.isEmpty else { continue }
            return region(ofLocale: locale)
        }
        return nil
    }

    /// The region of a POSIX locale name such as "en_GB.UTF-8@euro" or "pt-BR".
    public static func region(ofLocale locale: String) -> CountryCode? {
        let base = locale.split(separator: ".").first.map(String.init) ?? locale
        let noModifier = base.split(separator: "@").first.map(String.init) ?? base
        let parts = noModifier.split(whereSeparator: { $0 == "_" || $0 == "-" })
        guard parts.count >= 2 else { return nil }
        return CountryCode(rawValue: String(parts[1]))
    }
}
