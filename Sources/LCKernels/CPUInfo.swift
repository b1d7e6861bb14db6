#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the host CPU offers, for choosing defaults such as `--threads`.
public enum CPUInfo {
    /// Logical CPUs online (at least 1).
    public static var logicalCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Physical cores: distinct (package, core) pairs in /sys topology, else /proc/cpuinfo's "physical id" and
    /// "core id" pairs, else the logical count. SMT siblings share a core's load/store units, so a bandwidth-bound
    /// decode gains little from them.
    public static let physicalCores: Int = {
        let logical = logicalCores
        if let n = fromSysfs(logical: logical) ?? fromProcCpuinfo(), n > 0 { return min(n, logical) }
        return logical
    }()

    private static func fromSysfs(logical: Int) -> Int? {
        var cores = Set<String>()
        for cpu in 0..<max(logical, 1) * 4 {
            let base = "/sys/devices/system/cpu/cpu\(cpu)/topology/"
            guard let core = readFirstLine(base + "core_id") else { continue }
            let pkg = readFirstLine(base + "physical_package_id") ?? "0"
            cores.insert(pkg + ":" + core)
        }
        return cores.isEmpty ? nil : cores.count
    }

    private static func fromProcCpuinfo() -> Int? {
        guard let f = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(f) }
        var cores = Set<String>()
        var physical = "0"
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let parts = text.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters() }
            guard parts.count == 2 else { continue }
            if parts[0] == "physical id" { physical = parts[1] }
            if parts[0] == "core id" { cores.insert(physical + ":" + parts[1]) }
        }
        return cores.isEmpty ? nil : cores.count
    }

    private static func readFirstLine(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 64)
        guard fgets(&buf, Int32(buf.count), f) != nil else { return nil }
        let s = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).trimmingCharacters()
        return s.isEmpty ? nil : s
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed())
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String { self[...].trimmingCharacters() }
}
