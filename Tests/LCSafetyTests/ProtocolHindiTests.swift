import Foundation
import Testing
@testable import LCSafety

/// The romanised Hindi (`hi`) crisis texts: a Hinglish message the screen tags `hi-Latn` must get them, not English.
@Suite("Crisis protocol: romanised Hindi texts for hi-Latn verdicts")
struct ProtocolHindiTests {
    /// Hinglish crisis messages of the screen's dev set, one per category the Hindi rules cover.
    static let messages = [
        "mujhe ab jeene ki koi ichha nahi hai",
        "main mar jaana chahti hoon, koi mujhe samajhta nahi",
        "main aaj train ke aage kood jaunga",
        "main khud ko jalati hoon",
        "mere sasur mujhe maarte hain",
        "mera bhai kal se suicide ki baat kar raha hai",
    ]
    /// Sentences only the Hindi texts contain (the AI disclosure and the safety check or country question).
    static let hindiAI = "Main ek AI hoon"
    static let hindiAsk = "Aap kis desh mein hain?"

    private func render(_ verdict: ScreenVerdict, country: String?, responder: CrisisResponder) -> String {
        responder.response(category: verdict.category?.rawValue, needsClarification: verdict.needsClarification,
                           inProgress: verdict.inProgress, country: country, followUp: false,
                           language: verdict.language)
    }

    @Test("a hi-Latn crisis verdict gets the Hindi texts with India's lines, and asks for an unknown country")
    func hinglishVerdict() throws {
        let screen = try CrisisScreen.bundled()
        let responder = try CrisisResponder.bundled()
        for message in Self.messages {
            let verdict = screen.screen(message)
            #expect(verdict.isCrisis, "\(verdict.reason)")
            #expect(verdict.language == "hi-Latn", "\(verdict.reason): \(verdict.language ?? "nil")")

            let india = render(verdict, country: "IN", responder: responder)
            let label = "\(verdict.reason)/IN"
            #expect(india.contains("AI hoon"), "\(label): no Hindi AI disclosure")
            #expect(!india.contains("I'm an AI") && !india.contains("Please talk to a person"), "\(label): English text")
            #expect(india.contains("112 par call karein"), "\(label): emergency number")
            #expect(!india.contains("988") && !india.contains("911"), "\(label): another country's number")
            #expect(!india.contains(Self.hindiAsk), "\(label): asks for a known country")
            #expect(!india.contains("{") && !india.contains("}"), "\(label): unresolved placeholder")

            let unknown = render(verdict, country: nil, responder: responder)
            #expect(unknown.contains(Self.hindiAsk), "\(verdict.reason)/nil: does not ask for the country")
            #expect(unknown.contains("local emergency number"), "\(verdict.reason)/nil")
            #expect(!unknown.contains("988") && !unknown.contains("Which country"), "\(verdict.reason)/nil")
            #expect(!unknown.contains("{") && !unknown.contains("}"), "\(verdict.reason)/nil: unresolved placeholder")
        }
        // The crisis line itself, formatted with the Hindi fragments.
        let ideation = responder.response(category: "suicidal_ideation", needsClarification: false, inProgress: false,
                                          country: "IN", followUp: false, language: "hi-Latn")
        #expect(ideation.contains("Tele-MANAS: 14416 par call karein ya 1-800-891-4416 par call karein (24/7)"))
        #expect(ideation.hasPrefix("Achha kiya jo aapne mujhe bataya."))
        let abuse = responder.response(category: "abuse_danger", needsClarification: false, inProgress: false,
                                       country: "IN", followUp: false, language: "hi-Latn")
        #expect(abuse.contains("181 par call karein") && abuse.contains("1098 par call karein"))
        // India has no poison line in the table: that paragraph is left out, the emergency number stays.
        let medical = responder.response(category: "medical_emergency", needsClarification: false, inProgress: false,
                                         country: "IN", followUp: false, language: "hi")
        #expect(medical.hasPrefix("Agar aapne kuch le liya hai") && medical.contains("112") && !medical.contains("nigal"))
        // A country without a checked line: says so in Hindi, no guessed number.
        let brazil = responder.response(category: "suicidal_ideation", needsClarification: false, inProgress: false,
                                        country: "BR", followUp: false, language: "hi-Latn")
        #expect(brazil.contains("findahelpline.com") && !brazil.contains(Self.hindiAsk) && !brazil.contains("988"))
    }

    @Test("danger in progress in Hindi: the emergency number first, no questions")
    func inProgress() throws {
        let responder = try CrisisResponder.bundled()
        let text = responder.response(category: "medical_emergency", needsClarification: false, inProgress: true,
                                      country: "IN", followUp: false, language: "hi-Latn")
        #expect(text.hasPrefix("Please abhi 112 par call karein."))
        #expect(!text.contains("?") && text.contains("AI hoon"))
    }

    @Test("hi mirrors en: the same fragments, situations and fallbacks, paragraph by paragraph, with the same placeholders")
    func mirrorsEnglish() throws {
        let texts = try CrisisResponses(policyDirectory: PolicyFiles.bundledDirectory())
        let en = try #require(texts.languages["en"])
        let hi = try #require(texts.languages["hi"])
        #expect(Set(hi.fragments.keys) == Set(en.fragments.keys))
        for (name, text) in en.fragments {
            #expect(CrisisResponses.placeholders(in: hi.fragments[name] ?? "") == CrisisResponses.placeholders(in: text),
                    "fragment \(name)")
        }
        for (kind, english, hindi) in [("situation", en.situations, hi.situations), ("fallback", en.fallbacks, hi.fallbacks)] {
            #expect(Set(hindi.keys) == Set(english.keys), "\(kind)s")
            for (name, paragraphs) in english {
                let translated = hindi[name] ?? []
                #expect(translated.count == paragraphs.count, "\(kind) \(name): paragraph count")
                for (index, (a, b)) in zip(paragraphs, translated).enumerated() {
                    #expect(CrisisResponses.placeholders(in: a) == CrisisResponses.placeholders(in: b),
                            "\(kind) \(name)[\(index)]: placeholders differ")
                }
            }
        }
        #expect(Set(hi.situations.keys).isSuperset(of: CrisisResponses.requiredSituations))
        #expect(Set(hi.fallbacks.keys).isSuperset(of: CrisisResponses.requiredFallbacks))
    }

    @Test("every Hindi fallback renders completely and passes the output filter")
    func fallbacks() throws {
        let responder = try CrisisResponder.bundled()
        let filter = try OutputFilter.bundled()
        for category in OutputBlockCategory.allCases {
            for country in ["IN", "US", "BR", nil] as [String?] {
                let text = responder.safeFallback(for: OutputVerdict(category: category, reason: "test"),
                                                  country: country, language: "hi-Latn")
                let label = "\(category.rawValue)/\(country ?? "nil")"
                #expect(!text.isEmpty && !text.contains("{") && !text.contains("}"), "\(label)")
                #expect(!text.contains("I can't") && !text.contains("I'm "), "\(label): English fallback")
                #expect(!filter.evaluate(text).blocked, "\(label): fallback blocked")
            }
        }
        let method = responder.safeFallback(for: OutputVerdict(category: .methodDetail, reason: "x"), country: "IN",
                                            language: "hi-Latn")
        #expect(method.contains("14416") && method.contains("112") && method.contains(Self.hindiAI))
        let human = responder.safeFallback(for: OutputVerdict(category: .claimsHuman, reason: "x"), country: "IN",
                                           language: "hi")
        #expect(human.contains("Main insaan nahi hoon"))
    }
}
