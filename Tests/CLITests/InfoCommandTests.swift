import Foundation
import Testing

/// `localcounsel info` on the real model and on every kind of bad model path.
@Suite struct InfoCommandTests {
    static let model = CLI.modelPath

    @Test func textOnTheRealModel() throws {
        let r = try CLI.run(["info", "--model", Self.model])
        #expect(r.exited(0), "\(r)")
        #expect(r.stderr.isEmpty)
        let lines = Set(r.stdoutText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let size = try FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: Self.model).resolvingSymlinksInPath().path)[.size] as? Int
        for expected in ["architecture: llama", "gguf_version: 3", "block_count: 30", "embedding_length: 576",
                         "head_count: 9", "head_count_kv: 3", "vocab_size: 49152", "merge_count: 48900",
                         "feed_forward_length: 1536", "rope_dimension_count: 64", "pre: smollm", "model: gpt2",
                         "bos_token_id: 1", "eos_token_id: 2", "has_chat_template: true", "tensor_count: 272"] {
            #expect(lines.contains(expected), "missing line '\(expected)'")
        }
        #expect(lines.contains { $0.hasPrefix("tensor_types:") && $0.contains("Q4_1 210") && $0.contains("F32 61") })
        let bytes = try #require(size)
        #expect(lines.contains { $0.hasPrefix("file_size: \(bytes) bytes") })
    }

    @Test func jsonOnTheRealModel() throws {
        let r = try CLI.run(["info", "--model", Self.model, "--json"])
        #expect(r.exited(0), "\(r)")
        #expect(r.stdoutText.hasSuffix("}\n"))
        #expect(r.stdoutText.dropLast().contains("\n") == false, "one line")
        let obj = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let hp = try #require(obj["hyperparameters"] as? [String: Any])
        let tok = try #require(obj["tokenizer"] as? [String: Any])
        let types = try #require(obj["tensor_types"] as? [String: Int])
        #expect(obj["architecture"] as? String == "llama")
        #expect(obj["gguf_version"] as? Int == 3)
        #expect(obj["path"] as? String == Self.model)
        let size = try FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: Self.model).resolvingSymlinksInPath().path)[.size] as? Int
        #expect(obj["file_size"] as? Int == size)
        #expect(hp["block_count"] as? Int == 30)
        #expect(hp["embedding_length"] as? Int == 576)
        #expect(hp["feed_forward_length"] as? Int == 1536)
        #expect(hp["head_count"] as? Int == 9)
        #expect(hp["head_count_kv"] as? Int == 3)
        #expect(hp["context_length"] as? Int == 8192)
        #expect(hp["rope_dimension_count"] as? Int == 64)
        #expect((hp["rope_freq_base"] as? Double).map { abs($0 - 100_000) < 1e-3 } == true)
        #expect((hp["layer_norm_rms_epsilon"] as? Double).map { abs($0 - 1e-5) < 1e-9 } == true)
        #expect(hp["vocab_size"] as? Int == 49152)
        #expect(types["Q4_1"] == 210 && types["F32"] == 61 && types["Q8_0"] == 1)
        #expect(obj["tensor_count"] as? Int == 272)
        #expect(tok["vocab_size"] as? Int == 49152)
        #expect(tok["merge_count"] as? Int == 48900)
        #expect(tok["model"] as? String == "gpt2" && tok["pre"] as? String == "smollm")
        #expect(tok["bos_token_id"] as? Int == 1 && tok["eos_token_id"] as? Int == 2)
        #expect(tok["has_chat_template"] as? Bool == true)
    }

    /// Without --model, LOCALCOUNSEL_MODEL names the file.
    @Test func modelFromEnvironment() throws {
        let dir = try CLI.makeTemporaryDirectory(prefix: "lc-info-env")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["info", "--json"], environment: ["LOCALCOUNSEL_MODEL": Self.model], currentDirectory: dir)
        #expect(r.exited(0), "\(r)")
        #expect(r.stdoutText.contains("\"path\":\"\(Self.model)\""))
    }

    /// With no model anywhere, the error says how to get one. (A copy of the binary in an empty directory,
    /// so that the search beside the executable finds nothing either.)
    @Test func noModelAnywhere() throws {
        let dir = try CLI.makeTemporaryDirectory(prefix: "lc-info-none")
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("localcounsel")
        try FileManager.default.copyItem(at: try CLI.binaryURL(), to: copy)
        let r = try CLI.run(["info"], unsetting: ["LOCALCOUNSEL_MODEL"], currentDirectory: dir, executable: copy)
        Self.expectModelError(r, mentioning: ["Scripts/fetch-model", "--model", "LOCALCOUNSEL_MODEL"])
    }

    /// A model file the user may not read. As root (who may read anything) the binary runs as `nobody`
    /// through setpriv; otherwise directly.
    @Test func unreadableModel() throws {
        let dir = try CLI.makeTemporaryDirectory(prefix: "lc-info-perm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("locked.gguf").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("GGUF".utf8), attributes: [.posixPermissions: 0])
        let r: CLI.Result
        if getuid() == 0 {
            let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")
            let args = ["--reuid=65534", "--regid=65534", "--clear-groups", try CLI.binaryURL().path, "info", "--model", path]
            r = try CLI.run(args, currentDirectory: dir, executable: setpriv)
        } else {
            r = try CLI.run(["info", "--model", path])
        }
        Self.expectModelError(r, mentioning: [path, "Permission denied"])
    }

    /// Exit 1, nothing on stdout, one `localcounsel: error:` line that contains each of `texts`.
    static func expectModelError(_ r: CLI.Result, mentioning texts: [String],
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.exited(1), "\(r)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, "\(r)", sourceLocation: sourceLocation)
        #expect(r.stderrLines.count == 1, "\(r)", sourceLocation: sourceLocation)
        #expect(r.stderrText.hasPrefix("localcounsel: error: "), "\(r)", sourceLocation: sourceLocation)
        for t in texts { #expect(r.stderrText.contains(t), "should mention \(t): \(r)", sourceLocation: sourceLocation) }
    }

    @Test(arguments: [false, true])
    func badModelPaths(json: Bool) throws {
        let dir = try CLI.makeTemporaryDirectory(prefix: "lc-info-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        let extra = json ? ["--json"] : []
        func info(_ path: String) throws -> CLI.Result { try CLI.run(["info", "--model", path] + extra, timeout: 20) }

        let missing = dir.appendingPathComponent("missing.gguf").path
        Self.expectModelError(try info(missing), mentioning: [missing, "No such file or directory"])
        Self.expectModelError(try info(dir.path), mentioning: [dir.path, "not a regular file"])
        let empty = dir.appendingPathComponent("empty.gguf").path
        _ = fm.createFile(atPath: empty, contents: Data())
        Self.expectModelError(try info(empty), mentioning: [empty, "too small", "0 bytes"])
        let text = dir.appendingPathComponent("readme.gguf").path
        _ = fm.createFile(atPath: text, contents: Data(String(repeating: "not a model. ", count: 100).utf8))
        Self.expectModelError(try info(text), mentioning: [text, "not a GGUF file"])
        let fifo = dir.appendingPathComponent("pipe.gguf").path
        #expect(mkfifo(fifo, 0o600) == 0)
        Self.expectModelError(try info(fifo), mentioning: [fifo, "not a regular file"])

        // Truncated copies of the real model: inside the tensor data, and inside the vocabulary.
        let real = try FileHandle(forReadingFrom: URL(fileURLWithPath: Self.model))
        defer { try? real.close() }
        let head = try #require(try real.read(upToCount: 5_000_000))
        let cutData = dir.appendingPathComponent("cut-data.gguf").path
        _ = fm.createFile(atPath: cutData, contents: head)
        Self.expectModelError(try info(cutData),
                              mentioning: [cutData, "token_embd.weight", "past the end of the file", "5000000 bytes"])
        let cutVocab = dir.appendingPathComponent("cut-vocab.gguf").path
        _ = fm.createFile(atPath: cutVocab, contents: head.prefix(100_000))
        Self.expectModelError(try info(cutVocab), mentioning: [cutVocab, "truncated", "tokenizer.ggml.tokens"])
        // A flipped version number.
        var v = head.prefix(4096)
        v[v.startIndex + 4] = 9
        let badVersion = dir.appendingPathComponent("v9.gguf").path
        _ = fm.createFile(atPath: badVersion, contents: v)
        Self.expectModelError(try info(badVersion), mentioning: [badVersion, "unsupported GGUF version 9"])
    }
}
