import Foundation
import Testing
@testable import LCSafety

/// Measures the crisis screen on the labelled sets. The development set is what the rules were written
/// against; the held-out set was written before any rule and not used for tuning, so it estimates how the screen
/// does on messages it has not seen. Held-out-2 to -11 and -13 were each written blind and run once (their first-run
/// figures are in the report), then used for tuning; here they guard against regressions.
@Suite("Crisis screen accuracy")
struct ScreenAccuracyTests {
    @Test("dev set: crisis recall ≥ 0.97 and false alarms ≤ 0.05, every category and language covered")
    func devSet() throws {
        let set = try LabelledMessage.load("screen-dev.jsonl")
        #expect(set.count >= 600)
        let screen = try CrisisScreen.bundled()
        let scores = ScreenScores(screen, set)
        print(scores.table(title: "screen-dev.jsonl (\(set.count) messages)"))

        #expect(ScreenScores.rate(scores.recall["ALL"]!) >= 0.97)
        #expect(ScreenScores.rate(scores.falseAlarms["ALL"]!) <= 0.05)
        for category in CrisisCategory.allCases {
            let pair = try #require(scores.recall["cat:\(category.rawValue)"], "no dev messages for \(category)")
            #expect(ScreenScores.rate(pair) >= 0.9, "recall for \(category.rawValue)")
        }
        for lang in ["en", "es", "fr", "de", "hi-Latn"] {
            let recall = try #require(scores.recall["lang:\(lang)"])
            let alarms = try #require(scores.falseAlarms["lang:\(lang)"])
            #expect(ScreenScores.rate(recall) >= 0.9, "recall for \(lang)")
            #expect(ScreenScores.rate(alarms) <= 0.1, "false alarms for \(lang)")
        }
    }

    @Test("held-out set: figures printed, with a regression floor")
    func heldOutSet() throws {
        let set = try LabelledMessage.load("screen-heldout.jsonl")
        #expect(set.count >= 200)
        let scores = ScreenScores(try CrisisScreen.bundled(), set)
        print(scores.table(title: "screen-heldout.jsonl (\(set.count) messages, not used for tuning)"))
        // A floor below the measured figures: it catches a regression, it is not the target.
        #expect(ScreenScores.rate(scores.recall["ALL"]!) >= HeldOutFloor.recall)
        #expect(ScreenScores.rate(scores.falseAlarms["ALL"]!) <= HeldOutFloor.falseAlarms)
    }

    @Test("later blind sets (held-out-2 to -11, -13): tuned on after their first run, now regression sets",
          arguments: ["screen-heldout2.jsonl", "screen-heldout3.jsonl", "screen-heldout4.jsonl", "screen-heldout5.jsonl", "screen-heldout6.jsonl", "screen-heldout7.jsonl", "screen-heldout8.jsonl", "screen-heldout9.jsonl", "screen-heldout10.jsonl", "screen-heldout11.jsonl", "screen-heldout13.jsonl"])
    func laterRounds(name: String) throws {
        let set = try LabelledMessage.load(name)
        let scores = ScreenScores(try CrisisScreen.bundled(), set)
        print(scores.table(title: "\(name) (\(set.count) messages; blind at first run, used for tuning since)"))
        #expect(ScreenScores.rate(scores.recall["ALL"]!) >= 0.95)
        #expect(ScreenScores.rate(scores.falseAlarms["ALL"]!) <= 0.05)
    }

    /// Held-out-12 was written together with held-out-11, before any change; no rule was written from its misses
    /// (first run 0.856 / 0.051; its three false alarms were seen after round 1, so its 0.000 then was not blind).
    /// Held-out-14 was written before round 3 and its errors were never looked at (0.886 / 0.217 before and after
    /// round 3). The classifier round (never trained or tuned on either) took them to 0.990 / 0.017 and
    /// 0.977 / 0.217. Held-out-15 (300 messages) was written by an evaluator who read only SAFETY.md and the issue,
    /// never the rules or any data, and was scored once, after the second classifier round: 0.978 / 0.042.
    /// The rules false-alarm round (general guards, errors of these sets never read) left recall unchanged on all
    /// three and took 14's false alarms to 0.174 (4/23).
    /// Held-out-16 (300 messages, a second evaluator under the same rules) was scored once before any change:
    /// 0.983 / 0.017. Its three misses were then read: one-letter leetspeak words ("t0 d13") and two command-
    /// hallucination forms became a normaliser fix and two English rules (1.000 / 0.017 after), so from then on it
    /// is a regression set like the others, no longer blind.
    /// The floors sit below the measured figures: they catch a regression, they are not the target, and the
    /// false-alarm ceiling on 14 records that the target is not met on it.
    @Test("blind sets 12, 14, 15 and 16: figures printed, with regression floors",
          arguments: [("screen-heldout12.jsonl", 150, 0.95, 0.06), ("screen-heldout14.jsonl", 60, 0.93, 0.18),
                      ("screen-heldout15.jsonl", 300, 0.95, 0.06), ("screen-heldout16.jsonl", 300, 0.97, 0.05)])
    func untouched(name: String, minCount: Int, recallFloor: Double, alarmCeiling: Double) throws {
        let set = try LabelledMessage.load(name)
        #expect(set.count >= minCount)
        let scores = ScreenScores(try CrisisScreen.bundled(), set)
        print(scores.table(title: "\(name) (\(set.count) messages, never used for tuning)"))
        #expect(ScreenScores.rate(scores.recall["ALL"]!) >= recallFloor)
        #expect(ScreenScores.rate(scores.falseAlarms["ALL"]!) <= alarmCeiling)
    }

    /// The classifier's own training files (written for it by data writers, never used to tune a rule). They are
    /// training data, so these figures are not estimates of unseen text (see the README for the leave-one-file-out
    /// figures); the floors catch a classifier file that no longer fits its data. The round-2 files kept more
    /// false alarms even when trained on (en2 0.109, ml2 0.139), from the rules, which the classifier never
    /// overrules; the rules false-alarm round's resolved-past and general-question guards took them to 0.056
    /// and 0.030, and the ceilings moved down with them.
    @Test("classifier training sets: figures printed, with regression floors",
          arguments: [("screen-train-en.jsonl", 0.10), ("screen-train-ml.jsonl", 0.10), ("screen-train-hard.jsonl", 0.10),
                      ("screen-train-en2.jsonl", 0.07), ("screen-train-ml2.jsonl", 0.05)])
    func classifierTraining(name: String, alarmCeiling: Double) throws {
        let set = try LabelledMessage.load(name)
        #expect(set.count >= 500)
        let scores = ScreenScores(try CrisisScreen.bundled(), set)
        print(scores.table(title: "\(name) (\(set.count) messages; classifier training data)"))
        #expect(ScreenScores.rate(scores.recall["ALL"]!) >= 0.90)
        #expect(ScreenScores.rate(scores.falseAlarms["ALL"]!) <= alarmCeiling)
    }

    @Test("mean time per message is printed; bound is generous (timing is a benchmark, not a unit test)")
    func timePerMessage() throws {
        let set = try LabelledMessage.load("screen-dev.jsonl") + LabelledMessage.load("screen-heldout.jsonl")
        let screen = try CrisisScreen.bundled()
        var crises = 0
        let rounds = 3
        // Thread CPU time, so a machine busy with other work does not inflate the figure; wall time beside it.
        let wallStart = ContinuousClock.now
        let cpu = Self.threadCPUMicroseconds {
            for _ in 0..<rounds {
                for message in set where screen.screen(message.text).isCrisis { crises += 1 }
            }
        }
        let wall = ContinuousClock.now - wallStart
        let wallMicros = Double(wall.components.seconds) * 1e6 + Double(wall.components.attoseconds) / 1e12
        let count = Double(set.count * rounds)
        let longest = set.max { $0.text.count < $1.text.count }!
        let longCPU = Self.threadCPUMicroseconds { for _ in 0..<50 { _ = screen.screen(longest.text) } } / 50
        print(String(format: "screen: mean %.1f µs CPU (%.1f µs wall) per message over %d messages × %d; "
                     + "longest message (%d chars) %.1f µs CPU", cpu / count, wallMicros / count, set.count, rounds,
                     longest.text.count, longCPU))
        #expect(crises > 0)
        #expect(cpu / count < 20_000)       // 20 ms: only catches pathological slowness, even in a debug build
    }

    /// CPU time this thread spends in `body`, in microseconds.
    static func threadCPUMicroseconds(_ body: () -> Void) -> Double {
        var start = timespec()
        var end = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
        return Double(end.tv_sec - start.tv_sec) * 1e6 + Double(end.tv_nsec - start.tv_nsec) / 1e3
    }
}

/// Regression floors for the held-out set, below the figures measured with the classifier (1.000 / 0.010; rules
/// alone 0.991 / 0.000).
enum HeldOutFloor {
    static let recall = 0.95
    static let falseAlarms = 0.05
}
