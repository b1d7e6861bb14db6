import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a transcript passphrase comes from: the environment, or the terminal with echo off.
///
/// Never from a command-line argument: arguments are visible to every user through `ps` and `/proc`.
public enum TranscriptPassphrase {
    /// The environment variable checked first.
    public static let environmentVariable = "LOCALCOUNSEL_TRANSCRIPT_PASSPHRASE"

    /// Returns the passphrase from `LOCALCOUNSEL_TRANSCRIPT_PASSPHRASE`, or asks on the controlling terminal
    /// (`/dev/tty`, so it works while stdin is a pipe) without echo.
    /// - Parameter confirm: ask twice and require both to match (for a new transcript).
    /// - Throws: `TranscriptError.passphraseMissing` (no variable, no terminal), `.passphraseMismatch`.
    public static func obtain(confirm: Bool,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let value = environment[environmentVariable], !value.isEmpty { return value }
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard tty >= 0 else { throw TranscriptError.passphraseMissing }
        defer { _ = close(tty) }
        guard let first = readHidden(tty: tty, prompt: "Transcript passphrase: ") else {
            throw TranscriptError.passphraseMissing
        }
        if confirm {
            guard let second = readHidden(tty: tty, prompt: "Repeat the passphrase: ") else {
                throw TranscriptError.passphraseMissing
            }
            guard first == second else { throw TranscriptError.passphraseMismatch }
        }
        guard !first.isEmpty else { throw TranscriptError.passphraseMissing }
        return first
    }

    /// Prompts on `tty`, reads one line with echo off, restores the terminal; nil on EOF or error.
    private static func readHidden(tty: Int32, prompt: String) -> String? {
        var saved = termios()
        let haveTermios = tcgetattr(tty, &saved) == 0
        if haveTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            _ = tcsetattr(tty, TCSAFLUSH, &quiet)
        }
        defer { if haveTermios { _ = tcsetattr(tty, TCSAFLUSH, &saved) } }
        _ = prompt.withCString { write(tty, $0, strlen($0)) }

        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.count < 4096 {
            let n = read(tty, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
