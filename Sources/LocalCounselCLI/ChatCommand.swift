import ArgumentParser
import Dispatch
import Foundation
import LocalCounsel
import Synchronization

/// `localcounsel chat`: a supportive-listening conversation with the model, screened by the safety layer.
///
/// Output contract (so piped use is easy to script): **stdout carries only the replies** — each reply's text
/// as it streams, then one newline. The banner, the `you>` prompt, command output (`/help`, `/stats`) and
/// notices go to **stderr**. With piped stdin, each line is one user message; the command exits 0 at the end
/// of input.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with the counseling model (an AI, not a clinician); everything stays on this computer.",
        discussion: """
            Replies stream to stdout, one reply per user message, each followed by a newline; the banner, \
            prompts and command output go to stderr. With piped stdin every line is one message and the \
            command exits 0 at end of input (1 if the safety layer cannot load, or a piped line is not UTF-8). \
            Commands: /help, /reset, /stats, /quit. Ctrl-C stops the current reply; Ctrl-C twice at the \
            prompt quits. Messages that show a crisis are never given to the model: a reviewed crisis \
            response with helplines for --country (or LOCALCOUNSEL_COUNTRY, or the locale's region) is shown. \
            Requests the model must not answer (a dose, a diagnosis, whether it is human, someone's details) \
            get a reviewed answer instead of the model's.
            """
    )

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .long, help: "System prompt (default: supportive, non-clinical listening).") var system: String?
    @Option(name: .long, help: "Temperature; 0 is greedy.") var temp: Float = 0.3
    @Option(name: .long, help: "Top-k (0 disables).") var topK: Int = 40
    @Option(name: .long, help: "Top-p in (0, 1] (1 disables).") var topP: Float = 0.9
    @Option(name: .long, help: "Min-p in [0, 1] (0 disables).") var minP: Float = 0.05
    @Option(name: .long, help: "Repetition penalty over the last 64 tokens (1 disables).") var repeatPenalty: Float = 1.1
    @Option(name: .long, help: "Random seed (default: a new one each run).") var seed: UInt64?
    @Option(name: .long, help: "Most tokens per reply.") var maxTokens: Int = 256
    @Option(name: .long, help: "Threads (default: physical cores).") var threads: Int?
    @Option(name: .long, help: "Context size in tokens (default 2048).") var ctx: Int?
    @Option(name: .long, help: "ISO country code for helplines, e.g. US, DE.") var country: String?
    @Flag(name: .long, help: "Print each reply's figures (tokens, time to first token, tok/s) to stderr.")
    var stats = false
    @Option(name: .long, help: ArgumentHelp(
        "Save an encrypted transcript to this new file (owner-only; never overwrites). Without it nothing is written.",
        discussion: "The passphrase comes from LOCALCOUNSEL_TRANSCRIPT_PASSPHRASE or is asked on the terminal.",
        valueName: "path"))
    var saveTranscript: String?

    func validate() throws {
        do { _ = try sessionOptions() } catch { throw ValidationError(error.localizedDescription) }
    }

    func sessionOptions() throws -> SessionOptions {
        let sampling = try SamplingParameters(temperature: temp, topK: topK, topP: topP, minP: minP,
                                              repetitionPenalty: repeatPenalty,
                                              seed: seed ?? UInt64.random(in: 0...UInt64.max))
        let cc = try country.map(CountryCode.parse) ?? CountryCode.fromEnvironment(ProcessInfo.processInfo.environment)
        return try SessionOptions(systemPrompt: system ?? SessionOptions.defaultSystemPrompt, sampling: sampling,
                                  maxTokens: maxTokens, contextLength: ctx, threads: threads, country: cc)
    }

    func run() async throws {
        let options = try sessionOptions()
        let path = try modelOptions.resolvedPath()
        let model = try ModelFileError.naming(path) { try CounselModel.load(path: path, threads: threads) }
        let session = try model.openSession(options)
        // Created only after the model loaded, so a failed start leaves no file behind.
        let transcript = try saveTranscript.map {
            try TranscriptWriter(path: $0, passphrase: TranscriptPassphrase.obtain(confirm: true))
        }
        try transcript?.append(role: .system, text: options.systemPrompt)
        let interactive = isatty(STDIN_FILENO) == 1
        let interrupts = InterruptHandler(session: session, beforeQuit: { try? transcript?.close() })
        Console.err(Self.banner(country: options.country, transcriptPath: saveTranscript))
        while true {
            if interactive { Console.err("you> ", newline: false) }
            guard let line = try Console.readLine(interactive: interactive) else { break }
            let message = line.trimmingCharacters(in: .whitespaces)
            if message.isEmpty { continue }
            if message.hasPrefix("/") {
                if try await command(message, session: session) { break }
                continue
            }
            try transcript?.append(role: .user, text: message)
            interrupts.replyStarted()
            defer { interrupts.replyEnded() }
            var shownText = ""  // what the person saw (reply, crisis response or fallback), for the transcript
            do {
                var shown = false
                for try await event in session.send(message) {
                    // A blocked reply stops mid-way: the fallback starts on a line of its own.
                    if case .outputBlocked = event, shown { Console.out("") }
                    if case .text = event { shown = true }
                    if case let .text(piece) = event { shownText += piece }
                    show(event)
                }
            } catch let error as CounselError {
                throw error  // the safety layer failed: never go on unscreened
            } catch {
                Console.out("")
                Console.err("localcounsel: error: " + ((error as? LocalizedError)?.errorDescription ?? "\(error)"))
            }
            try transcript?.append(role: .assistant, text: shownText)
        }
        try transcript?.close()
        if interactive { Console.err("") }
    }

    private func show(_ event: ChatEvent) {
        switch event {
        case let .text(piece):
            Console.out(piece, newline: false)
        case .crisisDetected, .outputBlocked, .requestDeclined:
            break  // the text that follows (crisis response or fallback) is what the person needs to see
        case let .completed(reason, s):
            Console.out("")
            if reason == .cancelled { Console.err("[reply stopped]") }
            if stats {
                switch reason {
                case .crisisResponse: Console.err("[crisis_response: the model was not asked]")
                case .declinedRequest: Console.err("[declined_request: the model was not asked]")
                default: Console.err(Self.describe(s, reason))
                }
            }
        }
    }

    /// Handles a `/command`; returns true to quit.
    private func command(_ text: String, session: CounselSession) async throws -> Bool {
        switch text.split(separator: " ").first.map(String.init) ?? text {
        case "/quit", "/exit": return true
        case "/reset":
            await session.reset()
            Console.err("(conversation cleared)")
        case "/stats":
            let t = session.statistics
            var lines = ["replies: \(t.replies) (crisis responses \(t.crisisResponses), declined requests \(t.declinedRequests), blocked \(t.blockedReplies))",
                         "tokens: prompt \(t.promptTokens), reused from cache \(t.reusedTokens), generated \(t.generatedTokens)"]
            if let last = t.last { lines.append("last reply: " + Self.describe(last, nil)) }
            Console.err(lines.joined(separator: "\n"))
        case "/help":
            Console.err("""
                /help   this list
                /reset  forget the conversation and start again
                /stats  tokens, time to first token and speed
                /quit   leave (also Ctrl-D, or Ctrl-C twice at the prompt)
                Ctrl-C while a reply is being written stops that reply.
                """)
        default:
            Console.err("unknown command \(text.split(separator: " ").first.map { String($0) } ?? text); type /help")
        }
        return false
    }

    static func describe(_ s: ReplyStatistics, _ reason: ReplyStopReason?) -> String {
        var line = String(format: "[prompt %d tok, reused %d, first token %.0f ms, %d tok at %.1f tok/s",
                          s.promptTokens, s.reusedTokens, s.timeToFirstToken * 1000, s.generatedTokens,
                          s.tokensPerSecond)
        if s.droppedTurns > 0 { line += ", \(s.droppedTurns) old turns dropped" }
        if let reason { line += ", \(reason.rawValue)" }
        return line + "]"
    }

    static func banner(country: CountryCode?, transcriptPath: String? = nil) -> String {
        """
        localcounsel: a supportive listening chat.
          * You are talking to an AI, not a clinician or a person. It can be wrong, and it cannot diagnose
            or treat anything.
          * It runs entirely on this computer: nothing you type leaves it, and \(transcriptPath.map { "an encrypted transcript is saved to \($0)" } ?? "nothing is saved").
          * In an emergency, call your local emergency number (911 in the US, 112 in Europe) or a crisis
            line (988 in the US).\(country == nil ? " Start with --country CC (e.g. --country GB) for local lines." : "")
        Type /help for commands. Ctrl-C stops a reply; Ctrl-C twice at the prompt quits.
        """
    }
}

/// Ctrl-C (SIGINT, read through a DispatchSource so it never interrupts a system call): during a reply it
/// cancels the reply; at the prompt the first press warns and a second one quits.
final class InterruptHandler {
    private let source: any DispatchSourceSignal
    private let state = InterruptState()

    init(session: CounselSession, beforeQuit: @escaping @Sendable () -> Void = {}) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [state] in
            switch state.press() {
            case .cancelReply: session.cancel()
            case .warn: Console.err("\n(press Ctrl-C again to quit, or type /quit)\nyou> ", newline: false)
            case .quit:
                beforeQuit()  // e.g. close the transcript so it reads back whole
                Console.err("")
                CLIExit.exit(.success)
            }
        }
        source.resume()
    }

    func replyStarted() { state.set(replying: true) }
    func replyEnded() { state.set(replying: false) }
}

/// What a Ctrl-C means now; shared between the signal queue and the chat loop.
final class InterruptState: Sendable {
    enum Action { case cancelReply, warn, quit }
    private let state = Mutex((replying: false, armed: false))

    func press() -> Action {
        state.withLock { s in
            if s.replying { return .cancelReply }
            if s.armed { return .quit }
            s.armed = true
            return .warn
        }
    }

    func set(replying: Bool) { state.withLock { $0 = (replying: replying, armed: false) } }
}

/// Unbuffered writes to stdout/stderr and line reading from stdin.
enum Console {
    /// Errors reading input.
    enum InputError: LocalizedError {
        case invalidUTF8
        var errorDescription: String? { "a line of stdin is not valid UTF-8" }
    }

    static func out(_ text: String, newline: Bool = true) { write(1, newline ? text + "\n" : text) }
    static func err(_ text: String, newline: Bool = true) { write(2, newline ? text + "\n" : text) }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }

    /// One line without its newline; nil at end of input. A line that is not UTF-8 is skipped with a notice
    /// when interactive and is an error when piped (it is never given to the model either way).
    static func readLine(interactive: Bool) throws -> String? {
        while let bytes = input.nextLine() {
            if let line = String(validating: bytes, as: UTF8.self) { return line }
            if !interactive { throw InputError.invalidUTF8 }
            err("(that line was not valid UTF-8 and was skipped)")
        }
        return nil
    }

    // Raw read(2) on fd 0 rather than a stdio FILE: a FILE stays locked while a read blocks, and exiting from
    // the Ctrl-C handler flushes every FILE, which would then wait forever.
    nonisolated(unsafe) private static var input = LineReader()
}

/// Splits stdin into lines with read(2), holding at most one partial line.
struct LineReader {
    private var buffer: [UInt8] = []
    private var atEnd = false

    /// The next line without "\n" or "\r\n"; the last line may lack a newline; nil at end of input.
    mutating func nextLine() -> [UInt8]? {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<nl])
                buffer.removeSubrange(...nl)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line
            }
            if atEnd {
                if buffer.isEmpty { return nil }
                defer { buffer.removeAll() }
                return buffer
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { atEnd = true; continue }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
