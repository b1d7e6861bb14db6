import ArgumentParser
import Foundation
import LocalCounsel

/// `localcounsel transcript read PATH`: decrypts a transcript written by `chat --save-transcript PATH`.
struct TranscriptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcript",
        abstract: "Work with encrypted chat transcripts (written only when `chat --save-transcript` asks).",
        subcommands: [Read.self]
    )

    /// Prints a transcript back, all or nothing: a wrong passphrase or an altered file prints no message.
    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "read",
            abstract: "Decrypt and print a transcript.",
            discussion: """
                The passphrase comes from \(TranscriptPassphrase.environmentVariable) or is asked for on the \
                terminal without echo; it is never taken as an argument (arguments show in `ps`).
                """
        )

        @Argument(help: "The transcript file.") var path: String
        @Flag(name: .long, help: "One JSON object per line: {\"role\":…,\"time\":…,\"text\":…}.") var json = false
        @Flag(name: .long, help: """
            Read a transcript whose chat was interrupted (no closing record): print the entries written before \
            the cut and say on stderr that the file is incomplete. Altered files are still refused.
            """) var recover = false

        func run() async throws {
            let passphrase = try TranscriptPassphrase.obtain(confirm: false)
            let entries: [TranscriptEntry]
            if recover {
                let recovery = try TranscriptReader.recover(path: path, passphrase: passphrase)
                entries = recovery.entries
                if !recovery.isComplete {
                    FileHandle.standardError.write(Data(("note: \(path) has no closing record (the chat was " +
                        "interrupted); showing the \(entries.count) entries written before the cut\n").utf8))
                }
            } else {
                entries = try TranscriptReader.read(path: path, passphrase: passphrase)
            }
            var out = ""
            let iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            for entry in entries {
                if json {
                    let object: [String: String] = ["role": entry.role.rawValue, "time": iso.string(from: entry.date),
                                                    "text": entry.text]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    out += String(decoding: data, as: UTF8.self) + "\n"
                } else {
                    out += "[\(iso.string(from: entry.date))] \(entry.role.rawValue): \(entry.text)\n"
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
