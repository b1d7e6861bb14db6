// The public face of the package: one `import LocalCounsel` gives an embedding app (and the CLI) every
// layer's public API.
@_exported import LCGGUF
@_exported import LCGeneration
@_exported import LCKernels
@_exported import LCModel
@_exported import LCSafety
@_exported import LCTokenizer
