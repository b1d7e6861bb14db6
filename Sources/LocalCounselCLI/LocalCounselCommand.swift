import ArgumentParser

/// The `localcounsel` command: the only place in the project that exits.
@main
struct LocalCounselCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localcounsel",
        abstract: "On-device counseling language model runtime: nothing leaves this computer.",
        subcommands: [
            InfoCommand.self,
            TokenizeCommand.self,
            GenerateCommand.self,
            PerplexityCommand.self,
        ]
    )
}
