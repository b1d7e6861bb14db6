import Foundation
import Testing
@testable import LCSafety

@Suite("Crisis protocol: fixed responses per situation, country and language")
struct ProtocolCrisisResponderTests {
    static let categories: [String?] = [
        nil, "suicidal_ideation", "suicide_plan", "self_harm", "harm_to_others", "abuse_danger", "medical_emergency",
        "command_hallucinations", "third_party",
    ]
    static let aiWord = ["en": "AI", "es": "IA", "fr": "IA", "de": "KI", "hi": "AI"]
    /// (needsClarification, inProgress, followUp): a plain first response, one that asks, one with danger in
    /// progress, and a follow-up turn.
    static let situations = [(false, false, false), (true, false, false), (false, true, false), (false, false, true)]

    @Test("the bundled table and texts load, with the required countries and languages")
    func loads() throws {
        let responder = try CrisisResponder.bundled()
        #expect(Set(responder.languages).isSuperset(of: ["en", "es", "fr", "de", "hi"]))
        #expect(Set(responder.countries).isSuperset(of: ["US", "ES", "FR", "DE", "IN", "GB", "CA", "AU", "IE", "MX"]))
    }

    @Test("every situation × country × language: complete text, says it is an AI, passes the output filter")
    func everyCombination() throws {
        let responder = try CrisisResponder.bundled()
        let filter = try OutputFilter.bundled()
        for language in ["en", "es", "fr", "de", "hi"] {
            for country in ["US", "ES", "FR", "DE", "IN", "GB", "CA", "AU", "IE", "MX", "BR", nil] {
                for category in Self.categories {
                    for (clarify, inProgress, followUp) in Self.situations {
                        let text = responder.response(category: category, needsClarification: clarify,
                                                      inProgress: inProgress, country: country, followUp: followUp,
                                                      language: language)
                        let label = "\(language)/\(country ?? "nil")/\(category ?? "nil")/\(clarify)/\(inProgress)/\(followUp)"
                        #expect(!text.isEmpty, "\(label)")
                        #expect(!text.contains("{") && !text.contains("}"), "\(label): unresolved placeholder")
                        #expect(!text.contains("  "), "\(label)")
                        #expect(text.contains(Self.aiWord[language] ?? "AI"), "\(label): no AI disclosure")
                        let verdict = filter.evaluate(text)
                        #expect(!verdict.blocked, "\(label): the output filter blocks the crisis response (\(verdict.reason))")
                    }
                }
            }
        }
    }

    /// The runtime is offline and tells no one: a response must not suggest that the assistant will pass the
    /// disclosure on ("I won't keep it a secret"), which a person in crisis could read as help being on its way.
    /// The guidance (never promise secrecy) is kept by urging the user to tell someone instead.
    @Test("no crisis response says the assistant will tell anyone or cannot keep a secret")
    func noImpliedReporting() throws {
        let responder = try CrisisResponder.bundled()
        let firstPerson = ["i can't keep", "i cannot keep", "i won't keep", "i will not keep", "i'll tell", "i will tell",
                           "no puedo guardar", "no lo guardaré", "je ne peux pas garder", "je ne le garderai",
                           "kann ich nicht geheim", "ich halte das nicht geheim", "mere paas secret"]
        for language in ["en", "es", "fr", "de", "hi"] {
            for category in Self.categories {
                for (clarify, inProgress, followUp) in Self.situations {
                    let text = responder.response(category: category, needsClarification: clarify, inProgress: inProgress,
                                                  country: "US", followUp: followUp, language: language).lowercased()
                    for phrase in firstPerson {
                        #expect(!text.contains(phrase), "\(language)/\(category ?? "nil"): says '\(phrase)'")
                    }
                }
            }
        }
    }

    private func full(_ category: String?, _ country: String?, language: String = "en") throws -> String {
        try CrisisResponder.bundled().response(category: category, needsClarification: false, inProgress: false,
                                               country: country, followUp: false, language: language)
    }

    @Test("the country's own lines: US 988 and 911, Spain 024 and 112, France 3114 and 15, Germany both numbers, India 14416")
    func countryLines() throws {
        let us = try full("suicidal_ideation", "US")
        #expect(us.contains("988") && us.contains("988lifeline.org") && us.contains("911"))
        let spain = try full("suicidal_ideation", "es", language: "es")
        #expect(spain.contains("024") && spain.contains("112") && !spain.contains("988"))
        let france = try full("suicidal_ideation", "FR", language: "fr")
        #expect(france.contains("3114") && france.contains("15 ou 112") && !france.contains("988"))
        let germany = try full("suicidal_ideation", "DE", language: "de")
        #expect(germany.contains("0800 111 0 111") && germany.contains("0800 111 0 222") && germany.contains("112"))
        let india = try full("suicidal_ideation", "IN")
        #expect(india.contains("14416") && india.contains("112") && !india.contains("988"))
        let uk = try full("suicidal_ideation", "UK")  // common alias for GB
        #expect(uk.contains("116 123") && uk.contains("999"))
        // G11: a paired entry is shown whole.
        let canada = try full("suicidal_ideation", "CA")
        #expect(canada.contains("988") && canada.contains("1-800-668-6868"))
    }

    @Test("unknown country: asks for it and does not default to 988; unlisted country: says so, no guess")
    func unknownCountry() throws {
        for country in [nil, "", "ZZ", "United States"] as [String?] {
            let text = try full("suicidal_ideation", country)
            #expect(text.contains("Which country are you in?"), "\(country ?? "nil")")
            #expect(!text.contains("988"), "\(country ?? "nil")")
            #expect(text.contains("local emergency number"))
        }
        let brazil = try full("suicidal_ideation", "BR")
        #expect(!brazil.contains("Which country are you in?") && brazil.contains("findahelpline.com") && !brazil.contains("988"))
    }

    @Test("dedicated lines: domestic violence and child abuse for abuse, poison for a medical emergency")
    func dedicatedLines() throws {
        let abuse = try full("abuse_danger", "US")
        #expect(abuse.contains("800-799-7233") && abuse.contains("text START to 88788") && abuse.contains("1-800-422-4453"))
        let medical = try full("medical_emergency", "US")
        #expect(medical.contains("1-800-222-1222") && medical.contains("911"))
        let medicalGermany = try full("medical_emergency", "DE", language: "de")
        #expect(medicalGermany.contains("112") && !medicalGermany.contains("Vergiftungen"))  // no poison line: left out
        let abuseFrance = try full("abuse_danger", "FR", language: "fr")
        #expect(abuseFrance.contains("3919") && abuseFrance.contains("119"))
    }

    @Test("what every full English response contains (SAFETY.md 'What a crisis response must contain')")
    func requiredElements() throws {
        for category in Self.categories {
            let text = try full(category, "US")
            let name = category ?? "general"
            #expect(text.contains("I'm an AI"), "\(name)")
            #expect(text.contains("911"), "\(name): emergency number")
            #expect(text.contains("?"), "\(name): asks (safety check)")
            #expect(text.range(of: "right now|in danger", options: .regularExpression) != nil, "\(name): safety check")
            #expect(text.range(of: "glad|thank|sorry", options: [.regularExpression, .caseInsensitive]) != nil, "\(name): acknowledgement")
            #expect(text.range(of: "better|get through|pass|ease|help is available|manage|right thing|don't have to", options: .regularExpression) != nil, "\(name): hope")
            if category != "medical_emergency" {
                #expect(text.range(of: "trust|someone|doctor|professional", options: .regularExpression) != nil, "\(name): people")
            }
            if ["suicidal_ideation", "suicide_plan", "self_harm", "harm_to_others", "command_hallucinations", "third_party", nil].contains(category) {
                #expect(text.range(of: "out of reach|distance|put it away|lock it away", options: .regularExpression) != nil, "\(name): means safety")
                #expect(text.contains("988"), "\(name): crisis line")
            }
        }
        let clarify = try CrisisResponder.bundled().response(category: nil, needsClarification: true, inProgress: false,
                                                             country: "US", followUp: false)
        #expect(clarify.contains("Have you wished you were dead or wished you could go to sleep and not wake up?"))
        #expect(clarify.contains("Have you actually had any thoughts of killing yourself?"))
        #expect(clarify.contains("Are you safe right now?"))
        // About someone else: ask about them, not about the user.
        let thirdParty = try CrisisResponder.bundled().response(category: "third_party", needsClarification: true,
                                                                inProgress: false, country: "US", followUp: false)
        #expect(thirdParty.contains("Is this person thinking about suicide") && thirdParty.contains("988"))
        #expect(!thirdParty.contains("Have you wished you were dead"))
    }

    @Test("danger in progress: the emergency number, short, not a conversation")
    func inProgress() throws {
        let responder = try CrisisResponder.bundled()
        for (country, number) in [("US", "911"), ("FR", "15 or 112"), ("GB", "999 or 112"), ("AU", "000")] {
            let text = responder.response(category: "medical_emergency", needsClarification: false, inProgress: true,
                                          country: country, followUp: false)
            #expect(text.hasPrefix("Please call \(number) now."), "\(country)")
            #expect(!text.contains("?"), "\(country): asks questions instead of sending to emergency services")
            #expect(text.count < 300)
        }
        let unknown = responder.response(category: "suicide_plan", needsClarification: false, inProgress: true,
                                         country: nil, followUp: false)
        #expect(unknown.contains("local emergency number") && unknown.contains("Which country are you in?"))
    }

    @Test("follow-up turns: a shorter reminder that still carries the line")
    func followUp() throws {
        let responder = try CrisisResponder.bundled()
        for category in Self.categories {
            let reminder = responder.response(category: category, needsClarification: false, inProgress: false,
                                              country: "US", followUp: true)
            let first = try full(category, "US")
            #expect(reminder.count < first.count / 2, "\(category ?? "nil")")
            #expect(reminder.contains("911"))
        }
        let abuse = responder.response(category: "abuse_danger", needsClarification: false, inProgress: false,
                                       country: "US", followUp: true)
        #expect(abuse.contains("800-799-7233"))
    }

    @Test("safe fallbacks for blocked replies: one per category, never blocked themselves")
    func fallbacks() throws {
        let responder = try CrisisResponder.bundled()
        let filter = try OutputFilter.bundled()
        for category in OutputBlockCategory.allCases {
            for country in ["US", "DE", nil] as [String?] {
                let text = responder.safeFallback(for: OutputVerdict(category: category, reason: "test"), country: country)
                #expect(!text.isEmpty && !text.contains("{"))
                #expect(!filter.evaluate(text).blocked, "\(category.rawValue): fallback blocked")
            }
        }
        let human = responder.safeFallback(for: OutputVerdict(category: .claimsHuman, reason: "x"), country: "US")
        #expect(human.contains("I'm not a human"))
        let medication = responder.safeFallback(for: OutputVerdict(category: .medicationAdvice, reason: "x"), country: "US")
        #expect(medication.contains("1-800-222-1222") && medication.contains("doctor or pharmacist"))
        let method = responder.safeFallback(for: OutputVerdict(category: .methodDetail, reason: "x"), country: "ES", language: "es")
        #expect(method.contains("024") && method.contains("IA"))
        #expect(!responder.safeFallback(for: .allowed, country: "US").isEmpty)
    }
}
