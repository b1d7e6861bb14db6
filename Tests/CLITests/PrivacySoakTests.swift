import Foundation
import Testing

/// Issue 7 item 4, bounded for the suite: a scripted chat far past the context limit, and SIGINT / end of input
/// in the middle of a reply. The full 1,000-turn run is `Scripts/soak-chat` (same driver, more turns).
@Suite(.serialized) struct PrivacySoakTests {
    /// Allowed RSS growth between turn 50 and turn 150: generous, since the KV cache and scratch are preallocated
    /// and a real leak of even a few KB per turn shows up over 100 turns.
    static let growthBoundKB = 64 * 1024

    struct SoakResult: Decodable {
        var ok: Bool
        var problem: String?
        var exit_code: Int?
        var turns_done: Int
        var max_rss_kb: Int?
        var rss_baseline_kb: Int?
        var rss_last_kb: Int?
        var rss_growth_kb: Int?
        var seconds: Double?
        var seconds_to_stop_after_sigint: Double?
        var replied_after_sigint: Bool?
        var reply_stopped_notice: Bool?
        var transcript_entries: Int?
        var stderr_tail: String?
    }

    static func runSoak(_ arguments: [String], timeout: TimeInterval) throws -> SoakResult {
        let python = try #require(PrivacyHarness.tool("python3"), "python3 runs Scripts/soak-chat")
        let script = CLI.packageRoot.appendingPathComponent("Scripts/soak-chat").path
        let r = try PrivacyHarness.runTool(python, [script, "--bin", try CLI.binaryURL().path, "--model", CLI.modelPath,
                                                    "--json"] + arguments, timeout: timeout)
        #expect(!r.timedOut, "soak-chat timed out: \(r)")
        let last = try #require(r.stdoutText.split(separator: "\n").last, "soak-chat printed no result: \(r)")
        print(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        return try JSONDecoder().decode(SoakResult.self, from: Data(last.utf8))
    }

    static func requireModel() throws {
        try #require(PrivacyHarness.modelPresent, "the default model is missing at \(CLI.modelPath) (Scripts/fetch-model)")
    }

    @Test(.enabled(if: PrivacyHarness.has("chat"), "chat has not landed in this build"))
    func boundedSoakPastTheContextLimit() throws {
        try Self.requireModel()
        let r = try Self.runSoak(["--turns", "150", "--baseline-turn", "50", "--ctx", "256", "--max-tokens", "4",
                                  "--transcript"], timeout: 600)
        #expect(r.ok, "\(r.problem ?? "") stderr: \(r.stderr_tail ?? "")")
        #expect(r.exit_code == 0)
        #expect(r.turns_done == 150)
        let growth = try #require(r.rss_growth_kb, "no RSS samples")
        #expect(growth < Self.growthBoundKB, "RSS grew \(growth) KB from turn 50 to 150")
        // Every user turn and reply is in the transcript, which reads back whole after 150 turns.
        #expect((r.transcript_entries ?? 0) >= 150)
        print("soak (suite): max RSS \((r.max_rss_kb ?? 0) / 1024) MiB, growth turn 50→150 \(growth) KB, "
            + "\(r.seconds ?? 0) s")
    }

    @Test(.enabled(if: PrivacyHarness.has("chat"), "chat has not landed in this build"))
    func sigintMidReplyStopsTheReplyNotTheProgram() throws {
        try Self.requireModel()
        let r = try Self.runSoak(["--sigint-check", "--transcript"], timeout: 600)
        #expect(r.ok, "\(r.problem ?? "") stderr: \(r.stderr_tail ?? "")")
        #expect(r.exit_code == 0)
        #expect(r.replied_after_sigint == true)
        #expect(r.reply_stopped_notice == true, "the chat did not report the stopped reply")
        #expect((r.seconds_to_stop_after_sigint ?? 99) < 2, "the reply took \(r.seconds_to_stop_after_sigint ?? -1) s to stop")
    }

    @Test(.enabled(if: PrivacyHarness.has("chat"), "chat has not landed in this build"))
    func endOfInputMidReplyExitsCleanly() throws {
        try Self.requireModel()
        let r = try Self.runSoak(["--eof-check", "--transcript"], timeout: 600)
        #expect(r.ok, "\(r.problem ?? "") stderr: \(r.stderr_tail ?? "")")
        #expect(r.exit_code == 0)
        #expect((r.transcript_entries ?? 0) >= 1)
    }
}
