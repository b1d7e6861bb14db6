import Foundation
import Testing

/// Issue 7 item 1: no networking API is linked into the library or the CLI, no source names one, and no command
/// opens a socket when it runs.
@Suite(.serialized) struct PrivacyNoNetworkTests {
    /// Socket-family functions: importing any of them would mean networking code is linked.
    static let forbiddenSymbols: Set<String> = [
        "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "getaddrinfo", "getnameinfo",
        "gethostbyname", "gethostbyname2", "gethostbyname_r", "gethostbyaddr", "send", "sendto", "sendmsg", "sendmmsg",
        "recv", "recvfrom", "recvmsg", "recvmmsg", "shutdown", "getsockopt", "setsockopt", "res_query", "res_search",
    ]
    /// Shared libraries that would bring networking in.
    static let forbiddenLibraries = ["FoundationNetworking", "libcurl", "libssl", "libnghttp", "libNIO", "libgnutls"]
    /// Our own targets, whose object files must not reference socket functions.
    static let ourTargets = ["LocalCounsel", "LocalCounselCLI", "LCKernels", "LCGGUF", "LCModel", "LCGeneration",
                             "LCTokenizer", "LCSafety", "CLocalCounselKernels"]

    /// Undefined (imported) symbol names of an ELF file, without version suffixes.
    static func undefinedSymbols(_ path: String, dynamic: Bool) throws -> [String] {
        let nm = try #require(PrivacyHarness.tool("nm"), "nm (binutils) is needed to read symbol tables")
        let r = try PrivacyHarness.runTool(nm, (dynamic ? ["-D"] : []) + ["--undefined-only", path])
        #expect(r.exited(0), "nm \(path): \(r)")
        return r.stdoutText.split(separator: "\n").compactMap { line in
            line.split(separator: " ").last.map { String($0.split(separator: "@").first ?? $0) }
        }
    }

    @Test func binaryImportsNoSocketFunctions() throws {
        let bin = try CLI.binaryURL().path
        let symbols = try Self.undefinedSymbols(bin, dynamic: true)
        // Non-vacuous: the table was read (every Swift program imports these from libc).
        #expect(symbols.contains("read") || symbols.contains("open") || symbols.contains("write"),
                "could not read the dynamic symbol table of \(bin): \(symbols.prefix(20))")
        let bad = symbols.filter { Self.forbiddenSymbols.contains($0) || $0.hasPrefix("curl_") }
        #expect(bad.isEmpty, "\(bin) imports networking functions: \(bad)")
    }

    @Test func binaryNeedsNoNetworkingLibrary() throws {
        let bin = try CLI.binaryURL().path
        let readelf = try #require(PrivacyHarness.tool("readelf"), "readelf (binutils) is needed")
        let r = try PrivacyHarness.runTool(readelf, ["-d", bin])
        #expect(r.exited(0), "\(r)")
        let needed = r.stdoutText.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(!needed.isEmpty, "no NEEDED entries read from \(bin)")
        for lib in Self.forbiddenLibraries {
            #expect(!needed.contains { $0.contains(lib) }, "\(bin) links \(lib): \(needed)")
        }
        // And the whole load closure, as the dynamic loader resolves it.
        if let ldd = PrivacyHarness.tool("ldd") {
            let closure = try PrivacyHarness.runTool(ldd, [bin])
            #expect(closure.exited(0), "\(closure)")
            for lib in Self.forbiddenLibraries {
                #expect(!closure.stdoutText.contains(lib), "\(bin) loads \(lib) indirectly: \(closure.stdoutText)")
            }
        }
    }

    @Test func ourObjectFilesReferenceNoSocketFunctions() throws {
        let buildDir = try CLI.binaryURL().deletingLastPathComponent()
        let fm = FileManager.default
        for target in Self.ourTargets {
            let dir = buildDir.appendingPathComponent("\(target).build")
            let objects = ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".o") }
            #expect(!objects.isEmpty, "no object files for \(target) in \(dir.path)")
            for object in objects {
                let symbols = try Self.undefinedSymbols(dir.appendingPathComponent(object).path, dynamic: false)
                let bad = symbols.filter { Self.forbiddenSymbols.contains($0) || $0.hasPrefix("curl_") }
                #expect(bad.isEmpty, "\(target)/\(object) references networking functions: \(bad)")
            }
        }
    }

    @Test func noSourceFileImportsOrNamesNetworkingAPIs() throws {
        let sources = CLI.packageRoot.appendingPathComponent("Sources")
        let patterns = try [
            #"import\s+(FoundationNetworking|NIO\w*|Network|AsyncHTTPClient)\b"#,
            #"\b(URLSession|URLRequest|NWConnection|CFSocket|SocketPort)\b"#,
            #"\b(socket|socketpair|connect|getaddrinfo|gethostbyname|sendto|recvfrom|sendmsg|recvmsg)\s*\("#,
            #"#include\s*<(sys/socket|netdb|netinet/in|arpa/inet|curl/curl)\.h>"#,
        ].map { try NSRegularExpression(pattern: $0) }
        var scanned = 0
        let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard ["swift", "c", "h", "cc", "cpp", "m"].contains(url.pathExtension) else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            scanned += 1
            for p in patterns {
                let hits = p.matches(in: text, range: NSRange(text.startIndex..., in: text))
                for h in hits {
                    let line = text[..<text.index(text.startIndex, offsetBy: h.range.location)].filter { $0 == "\n" }.count + 1
                    Issue.record("\(url.path):\(line) names a networking API: \((text as NSString).substring(with: h.range))")
                }
            }
        }
        #expect(scanned > 20, "only \(scanned) source files found under \(sources.path)")
        let manifest = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        for dep in ["swift-nio", "async-http-client", "swift-openapi-urlsession", "grpc"] {
            #expect(!manifest.contains(dep), "Package.swift depends on \(dep)")
        }
    }
}
