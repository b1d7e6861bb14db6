import CLocalCounselKernels
import Synchronization

/// The instruction-set level of the C microkernels. The best level is detected once (`__builtin_cpu_supports`);
/// every kernel entry point also takes an explicit level so tests can compare each one with the Swift reference
/// side by side, and a lower level can be forced process-wide (e.g. by a benchmark).
public enum KernelLevel: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Portable C: any CPU.
    case scalar = 0
    /// AVX2 + FMA + F16C (Haswell, Zen 1 and later).
    case avx2 = 1
    /// AVX-512 F/BW/VL/DQ + VNNI (Cascade Lake and later).
    case avx512 = 2
    /// The above plus VBMI byte permutes, which gather four 4-bit blocks in one instruction (Ice Lake, Zen 4 and
    /// later). Only the 4-bit products differ from `avx512`.
    case avx512vbmi = 3

    /// -1: nothing forced.
    private static let forcedRaw = Atomic<Int>(-1)

    /// The highest level this CPU supports (detected once, cached in C).
    public static var best: KernelLevel { KernelLevel(rawValue: Int(lc_best_level())) ?? .scalar }

    /// The level kernels use when none is passed: `best`, or the level given to `force`.
    public static var current: KernelLevel {
        let raw = forcedRaw.load(ordering: .relaxed)
        return raw < 0 ? best : (KernelLevel(rawValue: raw) ?? best)
    }

    /// Every level this CPU can run, lowest first.
    public static var available: [KernelLevel] { allCases.filter { $0 <= best } }

    /// Makes `current` return `level` (clamped to `best`), or `best` again when `level` is nil.
    public static func force(_ level: KernelLevel?) {
        forcedRaw.store(level.map { min($0, best).rawValue } ?? -1, ordering: .relaxed)
    }

    /// The value the C entry points take.
    @inline(__always) var c: Int32 { Int32(rawValue) }

    /// `scalar`, `avx2`, `avx512` or `avx512vbmi`.
    public var description: String {
        switch self {
        case .scalar: return "scalar"
        case .avx2: return "avx2"
        case .avx512: return "avx512"
        case .avx512vbmi: return "avx512vbmi"
        }
    }

    /// Parses a `description` (for command-line options of tools and benchmarks).
    public init?(name: String) {
        guard let level = KernelLevel.allCases.first(where: { $0.description == name }) else { return nil }
        self = level
    }

    /// Lower levels first (`scalar < avx2 < avx512 < avx512vbmi`).
    public static func < (a: KernelLevel, b: KernelLevel) -> Bool { a.rawValue < b.rawValue }
}
