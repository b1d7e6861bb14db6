#if canImport(Glibc)
import Glibc
#endif
import LocalCounsel

/// Gives users OpenBLAS's fast path without their knowing about it.
///
/// Debian's OpenBLAS 0.3.21 detects Zen 4/5 as `Haswell` (AVX2) and so leaves its AVX-512 sgemm kernels unused;
/// `OPENBLAS_CORETYPE=SkylakeX` selects them and about doubles prompt processing here (MEASURED.md), but the
/// library reads it while it is being loaded, before `main` runs. So when the CPU has the AVX-512 subset the
/// kernels use and the caller has not chosen a core type, the CLI sets it and re-executes itself once. If the
/// exec fails, the program simply carries on with OpenBLAS's own choice.
enum OpenBLASSetup {
    static let marker = "LOCALCOUNSEL_OPENBLAS_REEXEC"

    static func reexecIfUseful() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv(marker) == nil else { return }
        guard KernelLevel.best >= .avx512 else { return }
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
        setenv(marker, "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // exec failed (no /proc?): keep going with the default kernels.
    }
}

/// Marks a command that runs prompts through the model's batched (OpenBLAS) path, so `OpenBLASSetup` is
/// worth its re-exec.
protocol EvaluatesPrompts {}

extension GenerateCommand: EvaluatesPrompts {}
extension PerplexityCommand: EvaluatesPrompts {}
extension BenchCommand: EvaluatesPrompts {}
extension ChatCommand: EvaluatesPrompts {}
