// swift-tools-version: 6.1
// localcounsel: an on-device inference runtime for a small counseling language model.
//
// Layers are one-way (see ../shared/STYLE.md):
//   CLocalCounselKernels / COpenBLAS  <- LCKernels (no model vocabulary)
//   LCGGUF (file format only)         <- LCModel (weights as views, KV cache, forward)
//   LCTokenizer (plain arrays)        <- LCGeneration (sampling, templates, sessions)
//   LCSafety (beside the model)       <- LocalCounsel (public facade) <- localcounsel (CLI)
// No unsafeFlags anywhere: the package must stay usable as a versioned dependency.
import PackageDescription

let package = Package(
    name: "LocalCounsel",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LocalCounsel", targets: ["LocalCounsel"]),
        .executable(name: "localcounsel", targets: ["LocalCounselCLI"]),
        .executable(name: "EmbedExample", targets: ["EmbedExample"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // AES-GCM, HMAC-SHA256 and secure random for encrypted transcripts (no networking in it).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Small C microkernels, each chosen at run time by CPU feature (AVX-512 VNNI / AVX2 / scalar).
        .target(name: "CLocalCounselKernels", path: "Sources/CLocalCounselKernels"),
        // OpenBLAS from Debian's libopenblas-dev, for batched (prompt) matrix products.
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "LCKernels", dependencies: ["CLocalCounselKernels", "COpenBLAS"]),
        .target(name: "LCGGUF", dependencies: ["LCKernels"]),
        .target(name: "LCTokenizer"),
        .target(name: "LCModel", dependencies: ["LCKernels", "LCGGUF"]),
        .target(name: "LCGeneration", dependencies: ["LCModel", "LCTokenizer", "LCGGUF"]),
        .target(name: "LCSafety", resources: [.copy("Policy")]),
        .target(
            name: "LocalCounsel",
            dependencies: [
                "LCKernels", "LCGGUF", "LCTokenizer", "LCModel", "LCGeneration", "LCSafety",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "LocalCounselCLI",
            dependencies: [
                "LocalCounsel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "EmbedExample", dependencies: ["LocalCounsel"], path: "Examples/EmbedExample"),
        // Kernel micro-benchmarks (GB/s per quant type, ns per product): swift run -c release KernelBench
        .executableTarget(name: "KernelBench", dependencies: ["LCKernels"], path: "Benchmarks/KernelBench"),
        // Helpers shared by the test targets (not a product: nothing outside this package sees it).
        .target(name: "LCTestSupport", path: "Tests/LCTestSupport"),
        .testTarget(name: "LCKernelsTests", dependencies: ["LCKernels", "LCTestSupport"]),
        .testTarget(name: "LCGGUFTests", dependencies: ["LCGGUF", "LCTestSupport"]),
        .testTarget(name: "LCTokenizerTests", dependencies: ["LCTokenizer", "LocalCounsel", "LCTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LCModelTests", dependencies: ["LCModel", "LocalCounsel", "LCTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LCSafetyTests", dependencies: ["LCSafety", "LCTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LocalCounselTests", dependencies: ["LocalCounsel"]),
        .testTarget(name: "CLITests", dependencies: ["LocalCounsel"]),
    ],
    swiftLanguageModes: [.v6]
)
