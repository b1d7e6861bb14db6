// How another Swift package embeds LocalCounsel. In its Package.swift:
//
//     .package(url: "<this repository>", from: "<version>"),
//     .executableTarget(name: "MyTool", dependencies: [.product(name: "LocalCounsel", package: "LocalCounsel")])
//
// Run here with `swift run -c release EmbedExample "I feel anxious before exams"` (the model is found through
// LOCALCOUNSEL_MODEL or models/, as for the CLI).
import Foundation
import LocalCounsel

let message = CommandLine.arguments.dropFirst().first ?? "I have been feeling lonely since I moved."

do {
    let model = try CounselModel.load()                                  // once per process; weights are shared
    let session = try model.openSession(try SessionOptions(maxTokens: 96, country: CountryCode(rawValue: "US")))
    for try await event in session.send(message) {
        switch event {
        case .text(let piece): print(piece, terminator: "")
        case .crisisDetected(let notice): FileHandle.standardError.write(Data("[crisis: \(notice.category?.rawValue ?? "?")]\n".utf8))
        case .outputBlocked(let category): FileHandle.standardError.write(Data("[blocked: \(category)]\n".utf8))
        case .requestDeclined(let category): FileHandle.standardError.write(Data("[declined: \(category)]\n".utf8))
        case .completed(let reason, let stats):
            print("\n[\(reason.rawValue): \(stats.generatedTokens) tokens, first after \(Int(stats.timeToFirstToken * 1000)) ms]")
        }
    }
} catch {
    FileHandle.standardError.write(Data("EmbedExample: \(error.localizedDescription)\n".utf8))
    exit(1)
}
