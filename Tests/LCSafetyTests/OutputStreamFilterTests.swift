import Foundation
import Testing
@testable import LCSafety
import LCTestSupport

@Suite("Output stream filter: hold-back and agreement with whole-text evaluation")
struct OutputStreamFilterTests {
    /// Streams `text` in pieces cut at `cuts` (offsets in Characters); returns the emitted text and the verdict.
    private func stream(_ text: String, filter: OutputFilter, pieces: [String]) -> (emitted: String, verdict: OutputVerdict, maxLag: Int) {
        var stream = filter.makeStream()
        var emitted = ""
        var pushed = 0
        var maxLag = 0
        for piece in pieces {
            pushed += piece.unicodeScalars.count
            switch stream.push(piece) {
            case .emit(let text): emitted += text
            case .blocked(let verdict): return (emitted, verdict, maxLag)
            }
            maxLag = max(maxLag, pushed - emitted.unicodeScalars.count)
        }
        switch stream.finish() {
        case .emit(let text): emitted += text
        case .blocked(let verdict): return (emitted, verdict, maxLag)
        }
        return (emitted, .allowed, maxLag)
    }

    /// Token-sized pieces: 1 to 6 characters, split points from a seeded generator.
    private func randomPieces(_ text: String, rng: inout SplitMix64) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let length = Int.random(in: 1...6, using: &rng)
            let end = rest.index(rest.startIndex, offsetBy: length, limitedBy: rest.endIndex) ?? rest.endIndex
            pieces.append(String(rest[..<end]))
            rest = rest[end...]
        }
        return pieces
    }

    @Test("every dev and held-out reply, in random token-sized pieces: same verdict, emitted text is a safe prefix")
    func agreementOnFixtures() throws {
        let filter = try OutputFilter.bundled()
        let replies = try OutputFixtures.load("output-dev.jsonl") + OutputFixtures.load("output-heldout.jsonl")
        var rng = SplitMix64(seed: 0x5AFE_0017)
        var partlyEmittedBlocked = 0
        for reply in replies {
            let whole = filter.evaluate(reply.text)
            for _ in 0..<3 {
                let result = stream(reply.text, filter: filter, pieces: randomPieces(reply.text, rng: &rng))
                #expect(result.verdict == whole, "\(reply.id): streaming verdict differs from whole-text verdict")
                #expect(reply.text.hasPrefix(result.emitted), "\(reply.id): emitted text is not a prefix of the reply")
                // Nothing blocked was shown: what was emitted is, on its own, allowed.
                #expect(!filter.evaluate(result.emitted).blocked, "\(reply.id): emitted text contains a blocked span")
                if whole.blocked {
                    #expect(result.emitted != reply.text, "\(reply.id): a blocked reply was emitted whole")
                    if !result.emitted.isEmpty { partlyEmittedBlocked += 1 }
                } else {
                    #expect(result.emitted == reply.text, "\(reply.id): an allowed reply was not emitted whole")
                }
            }
        }
        // Multi-sentence blocked replies show their safe leading sentences; the count proves that path is exercised.
        #expect(partlyEmittedBlocked > 0)
    }

    @Test("one piece per character and the whole reply in one piece agree too")
    func extremeSplits() throws {
        let filter = try OutputFilter.bundled()
        for reply in try OutputFixtures.load("output-dev.jsonl") {
            let whole = filter.evaluate(reply.text)
            let perCharacter = stream(reply.text, filter: filter, pieces: reply.text.map(String.init))
            #expect(perCharacter.verdict == whole, "\(reply.id)")
            let single = stream(reply.text, filter: filter, pieces: [reply.text])
            #expect(single.verdict == whole, "\(reply.id)")
        }
    }

    @Test("a sentence is held until it ends; numbers and decimals do not end it")
    func holdsUntilSentenceEnds() throws {
        let filter = try OutputFilter.bundled()
        var stream = filter.makeStream()
        #expect(stream.push("That sounds hard.") == .emit(""))          // the end is confirmed by what follows
        #expect(stream.push(" Call 1.800.") == .emit("That sounds hard."))
        #expect(stream.push("222.1222 now") == .emit(""))
        #expect(stream.push(".") == .emit(""))
        #expect(stream.finish() == .emit(" Call 1.800.222.1222 now."))
    }

    @Test("a harmful sentence after a safe one: the safe one is shown, nothing of the harmful one")
    func harmfulSecondSentence() throws {
        let filter = try OutputFilter.bundled()
        var stream = filter.makeStream()
        var shown = ""
        var blocked: OutputVerdict?
        for piece in ["I hear you", ". Sleep is", " hard. Take two", " extra tablets", " tonight", ".", " Okay?"] {
            switch stream.push(piece) {
            case .emit(let text): shown += text
            case .blocked(let verdict): blocked = verdict
            }
            if blocked != nil { break }
        }
        #expect(blocked?.category == .medicationAdvice)
        #expect(shown == "I hear you. Sleep is hard.")
        // Blocked stays blocked.
        #expect(stream.push(" More text.") == .blocked(blocked ?? .allowed))
        #expect(stream.finish() == .blocked(blocked ?? .allowed))
    }

    @Test("a run-on reply without sentence ends is released with a bounded hold-back, and a span across the cut is caught")
    func runOnHoldBackIsBounded() throws {
        let filter = try OutputFilter.bundled()
        let filler = Array(repeating: "and we can keep talking about the things that matter to you", count: 20)
            .joined(separator: " ")
        // Safe run-on: every piece is eventually emitted, and never more than max hold + 1 scalars are held.
        var rng = SplitMix64(seed: 42)
        let safe = stream(filler, filter: filter, pieces: randomPieces(filler, rng: &rng))
        #expect(safe.verdict == .allowed)
        #expect(safe.emitted == filler)
        #expect(safe.maxLag <= 401, "held back \(safe.maxLag) scalars")
        #expect(safe.maxLag >= 300)  // it really is holding a window, not emitting eagerly
        // A harmful span placed near where the first forced cut falls is never partly shown.
        for offset in stride(from: 200, through: 420, by: 11) {
            let prefix = String(filler.prefix(offset))
            let text = prefix + " you should take two extra tablets tonight " + filler
            let result = stream(text, filter: filter, pieces: randomPieces(text, rng: &rng))
            #expect(result.verdict.category == .medicationAdvice, "offset \(offset)")
            #expect(!result.emitted.contains("extra"), "offset \(offset): part of the harmful span was shown")
            #expect(result.verdict == filter.evaluate(text), "offset \(offset)")
        }
    }

    @Test("a crisis-aware session applies the self-harm rules from the first sentence, streaming and whole alike")
    func crisisContext() throws {
        let filter = try OutputFilter.bundled()
        for text in ["Then do it, nobody's stopping you.", "Wait until everyone is asleep.", "If that's your decision, go through with it."] {
            #expect(!filter.evaluate(text).blocked, "without crisis context this is ambiguous")
            let verdict = filter.evaluate(text, crisisContext: true)
            #expect(verdict.category == .encouragesHarm)
            var stream = filter.makeStream(crisisContext: true)
            var emitted = ""
            var blocked: OutputVerdict?
            for piece in text.map(String.init) {
                switch stream.push(piece) {
                case .emit(let part): emitted += part
                case .blocked(let v): blocked = v
                }
                if blocked != nil { break }
            }
            if blocked == nil, case .blocked(let v) = stream.finish() { blocked = v }
            #expect(blocked == verdict && emitted.isEmpty)
        }
        // Ordinary replies still pass in a crisis-aware session.
        for text in ["Do it at your own pace; there's no rush.", "Please call 988 now, or 911 if you have taken something.",
                     "I'm glad you're still here. What would help you get through the next hour?"] {
            #expect(!filter.evaluate(text, crisisContext: true).blocked, "\(text.count) characters")
        }
    }

    @Test("pushing after finish shows nothing more")
    func afterFinish() throws {
        var stream = try OutputFilter.bundled().makeStream()
        #expect(stream.push("Hello") == .emit(""))
        #expect(stream.finish() == .emit("Hello"))
        #expect(stream.push(" Take two extra tablets tonight.") == .emit(""))
        #expect(stream.finish() == .emit(""))
    }
}
