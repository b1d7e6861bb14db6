import Foundation

/// Phone numbers and e-mail addresses that are never a third party's personal data: every contact in the helpline
/// table plus `output/contacts-allowlist.json`. A redactor without this list blanks out crisis hotlines
/// (SAFETY.md "Peers"), which is exactly the reply that must get through.
struct ContactAllowlist: Sendable {
    /// Allowed numbers as digit strings with leading zeros removed (see `allowsPhone`).
    private let phoneCores: Set<String>
    private let emails: Set<String>
    private let emailDomains: Set<String>

    static let file = "output/contacts-allowlist.json"

    /// Something that looks like a phone number: 5 to 17 digits, single spaces, dots or hyphens between them, and
    /// parentheses only around a leading area code ("(312) 555-0147"), so "686868 (24/7)" is not one number.
    /// The detector then requires its `min_digits`.
    static let phonePattern = "(?<![\\w@.])\\+?(?:\\(\\d{1,5}\\)[ .\\-]?)?\\d(?:[ .\\-]?\\d){4,16}(?![\\w@])"

    /// Something that looks like an e-mail address.
    static let emailPattern = "[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*\\.[A-Za-z]{2,}"

    /// Builds the list, validating the clinic's file entries.
    init(file: ContactAllowlistFile, helplinePhones: [String], helplineEmails: [String]) throws {
        func invalid(_ entry: String, _ problem: String) -> SafetyPolicyError {
            .outputPolicyEntryInvalid(file: Self.file, entry: entry, problem: problem)
        }
        var cores = Set<String>()
        for (index, number) in file.phoneNumbers.enumerated() {
            guard number.range(of: "^\\+?[0-9 ().\\-]+$", options: .regularExpression) != nil else {
                throw invalid("phone_numbers[\(index)]", "only digits, spaces, + ( ) . - are allowed")
            }
            let core = Self.core(number)
            guard core.count >= 3 else { throw invalid("phone_numbers[\(index)]", "fewer than 3 digits") }
            cores.insert(core)
        }
        for number in helplinePhones { cores.insert(Self.core(number)) }
        phoneCores = cores
        var addresses = Set<String>()
        for (index, address) in file.emailAddresses.enumerated() {
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !address.contains(" ") else {
                throw invalid("email_addresses[\(index)]", "not an e-mail address")
            }
            addresses.insert(address.lowercased())
        }
        for address in helplineEmails { addresses.insert(address.lowercased()) }
        emails = addresses
        var domains = Set<String>()
        for (index, domain) in file.emailDomains.enumerated() {
            guard domain.contains("."), !domain.contains("@"), !domain.contains(" "), !domain.hasPrefix(".") else {
                throw invalid("email_domains[\(index)]", "not a domain name")
            }
            domains.insert(domain.lowercased())
        }
        emailDomains = domains
    }

    /// Digits only, leading zeros removed, so "0800 111 0 111" and "+49 800 1110111" compare by their tails.
    private static func core(_ number: some StringProtocol) -> String {
        let digits = number.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }
        return String(String.UnicodeScalarView(digits.drop { $0 == "0" }))
    }

    /// True when `candidate` is too short to be a phone number, or is an allowed number written with or without a
    /// country or trunk prefix (at most 3 extra leading digits on either side).
    func allowsPhone(_ candidate: some StringProtocol, minDigits: Int) -> Bool {
        let digitCount = candidate.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }.count
        if digitCount < minDigits { return true }
        let found = Self.core(candidate)
        if phoneCores.contains(found) { return true }
        for allowed in phoneCores where allowed.count >= 7 || found.count <= allowed.count + 3 {
            let (long, short) = found.count >= allowed.count ? (found, allowed) : (allowed, found)
            if short.count >= 7, long.count - short.count <= 3, long.hasSuffix(short) { return true }
        }
        return false
    }

    /// True when the address, or its domain or a parent domain, is allow-listed.
    func allowsEmail(_ candidate: some StringProtocol) -> Bool {
        let address = candidate.lowercased()
        if emails.contains(address) { return true }
        guard let at = address.lastIndex(of: "@") else { return false }
        var domain = Substring(address[address.index(after: at)...])
        while true {
            if emailDomains.contains(String(domain)) { return true }
            guard let dot = domain.firstIndex(of: ".") else { return false }
            domain = domain[domain.index(after: dot)...]
        }
    }
}
