import ArgumentParser
import LocalCounsel

struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Describe a model file.")
    @Option(name: .long, help: "Path to a GGUF model (default: LOCALCOUNSEL_MODEL or models/).") var model: String?
    func run() async throws {
        print(try ModelLocator.resolve(explicit: model))
    }
}
