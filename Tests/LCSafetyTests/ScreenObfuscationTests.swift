import Foundation
import Testing
@testable import LCSafety

/// Unit tests for normalisation and the guards: the same crisis written many ways fires; figures of speech,
/// questions and negations do not.
@Suite("Crisis screen normalisation and guards")
struct ScreenObfuscationTests {
    static let screen = Result { try CrisisScreen.bundled() }

    private func verdict(_ text: String) throws -> ScreenVerdict { try Self.screen.get().screen(text) }

    @Test("apostrophes, case, accents, leetspeak and repeated letters normalise to one form")
    func normaliser() {
        #expect(TextNormalizer.tokens("I’m") == TextNormalizer.tokens("I'm"))
        #expect(TextNormalizer.tokens("KILLLL") == ["<s>", "kil"])
        #expect(TextNormalizer.tokens("k1ll su1c1d3") == ["<s>", "kil", "suicide"])
        #expect(TextNormalizer.tokens("Ｄésolé, ß") == ["<s>", "desole", "<,>", "s"])    // ß → ss → s, like any double
        #expect(TextNormalizer.tokens("I took 40 pills.").contains("40"))
        #expect(TextNormalizer.tokens("why? no. ok").filter { $0 == "<s>" }.count == 1)   // short fragments merge
        #expect(TextNormalizer.tokens("what are the signs? I want to know more.").contains("<?>"))
    }

    @Test("obfuscated self-harm and suicide slang fires", arguments: [
        "kms", "i'm gonna kms fr", "I want to k1ll mys3lf", "i wanna d1e", "im so done i want to dieeeee",
        "I want to kil myslef", "i want to suicde", "Im going to kill myself", "I’m going to kill myself",
        "k i l l  m y s e l f", "i want to k.i.l.l myself", "su1c1d3 is all i think about", "im gonna sui*ide",
        "i want to unalive myself", "sewer slide is looking good rn", "I want to self delete", "thinking about ctb",
        "I WANT TO DIE", "i wnat to die", "i want 2 die",
    ])
    func obfuscatedFires(text: String) throws {
        let v = try verdict(text)
        #expect(v.isCrisis, "\(text)")
        #expect(v.reason.hasPrefix("en."))
    }

    @Test("one-letter leetspeak words and threatening or whispering command voices fire", arguments: [
        "i w4nt t0 d13", "the demon says if i dont burn the house down tonight my kids will die",
        "theyre whispering through the vents that i have to drink the bleach",
    ])
    func shortLeetAndVoices(text: String) throws {
        #expect(try verdict(text).isCrisis, "\(text)")
    }

    /// A partner threatening to kill the writer, reported in French, Spanish or Hinglish (or one of them inside
    /// an English message): the French idiom "va me tuer" used to swallow every such threat.
    @Test("reported death threats fire as abuse in every language; the hyperbole does not", arguments: [
        ("il crie qu'il va me tuer", true), ("mon mari m'a dit qu'il va me tuer, j'ai peur", true),
        ("he's banging on the door rn, il crie qu'il va me tuer", true), ("grita que me va a matar", true),
        ("woh chilla raha hai ki mujhe maar dega", true),
        ("cet exam de stats va me tuer", false), ("ma mère va me tuer si elle voit mes notes", false),
        ("ce boulot va me tuer lol", false),
    ])
    func reportedThreats(text: String, crisis: Bool) throws {
        let v = try verdict(text)
        #expect(v.isCrisis == crisis, "\(text)")
        if crisis { #expect(v.category == .abuseDanger, "\(text)") }
    }

    @Test("idioms, questions, grief, resolved past and negations do not fire", arguments: [
        "this exam is killing me", "I'd kill for a coffee", "I'm dying of laughter", "my phone died again",
        "what are the warning signs of suicide?", "my dad died last year", "I attempted years ago, I'm doing well now",
        "I would never kill myself", "I'm not suicidal, just tired", "I need to cut my hair",
        "die Kinder sind im Bett", "die Woche war lang", "me muero de ganas de verte", "je meurs de faim",
        "hass hass ke mar gaya", "I'm going to kill it at the interview", "my mom is going to kill me when she sees this",
        "In the novel the hero kills himself at the end", "how do antidepressants work?",
    ])
    func hardNegativesDoNotFire(text: String) throws {
        #expect(!(try verdict(text)).isCrisis, "\(text)")
    }

    @Test("a crisis sentence buried in a long harmless message fires")
    func buriedSentence() throws {
        let filler = "Work was fine today and my cat learned to open doors, which is hilarious. "
        let text = String(repeating: filler, count: 8) + "I have the pills lined up and tonight is the night. "
            + String(repeating: "The weather is nice and I watched a movie about a detective. ", count: 6)
        let v = try verdict(text)
        #expect(v.isCrisis)
        #expect(v.category == .suicidePlan)
    }

    @Test("a guard in one clause does not swallow a crisis in another")
    func clauseScopedGuard() throws {
        #expect(try verdict("I read an article about suicide and I want to die").isCrisis)
        #expect(try verdict("Ten years ago I attempted suicide and I'm thinking about it again").isCrisis)
    }

    @Test("verdict fields: category, third party, in progress, clarification, language, no text in reason")
    func verdictFields() throws {
        let friend = try verdict("my friend says she wants to die tonight")
        #expect(friend.category == .thirdParty)

        let overdose = try verdict("I just took a whole bottle of my sleeping pills")
        #expect(overdose.category == .medicalEmergency)
        #expect(overdose.inProgress)

        let indirect = try verdict("I'm a burden to everyone")
        #expect(indirect.isCrisis && indirect.needsClarification)

        let direct = try verdict("I want to kill myself")
        #expect(!direct.needsClarification)
        #expect(direct.language == "en")

        #expect(try verdict("quiero morirme").language == "es")
        #expect(try verdict("je veux mourir").language == "fr")
        #expect(try verdict("ich will sterben").language == "de")
        #expect(try verdict("main marna chahta hoon").language == "hi-Latn")

        let ok = try verdict("can you help me plan my week?")
        #expect(!ok.isCrisis && ok.category == nil && ok.reason == "ok")

        let secret = "zanzibar-quokka"
        let v = try verdict("I want to kill myself \(secret)")
        #expect(!v.reason.contains(secret))
    }

    @Test("every category fires in every language", arguments: [
        ("I keep hearing voices telling me to hurt my sister", CrisisCategory.commandHallucinations),
        ("las voces me dicen que me mate", .commandHallucinations),
        ("mon mari me frappe et j'ai peur", .abuseDanger),
        ("ich habe gerade eine ganze Packung Tabletten geschluckt", .medicalEmergency),
        ("main usko maar dalunga", .harmToOthers),
        ("me he estado cortando los brazos", .selfHarm),
        ("j'ai écrit ma lettre d'adieu", .suicidePlan),
        ("meine Freundin will sich umbringen", .thirdParty),
    ])
    func categories(text: String, category: CrisisCategory) throws {
        let v = try verdict(text)
        #expect(v.isCrisis, "\(text)")
        #expect(v.category == category, "\(text)")
    }
}
