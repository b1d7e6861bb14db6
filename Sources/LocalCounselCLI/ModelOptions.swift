import ArgumentParser
import LocalCounsel

/// The shared `--model PATH` option. Use it in a command with `@OptionGroup var modelOptions: ModelOptions`
/// and call `resolvedPath()` in `run()`.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Path to a GGUF model file (default: $LOCALCOUNSEL_MODEL, then models/ in the current directory or "
            + "beside the executable).", valueName: "path"))
    var model: String?

    func validate() throws {
        if let model, model.isEmpty { throw ValidationError("--model needs a path, got an empty string") }
    }

    /// The model path: `--model`, else `LOCALCOUNSEL_MODEL`, else the default model under `models/`.
    /// Throws with a message that says how to fetch the model when none is found.
    func resolvedPath() throws -> String {
        try ModelLocator.resolve(explicit: model)
    }
}
