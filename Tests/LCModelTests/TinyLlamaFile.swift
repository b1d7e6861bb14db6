import Foundation
import LCGGUF
import LCTestSupport

/// Writes a tiny llama-architecture GGUF image in memory (F32 weights from a seeded generator), so tests can
/// check the forward pass against a plain reference and provoke every load error without a real model file.
struct TinyLlamaFile {
    var architecture = "llama"
    var dim = 64, heads = 4, kvHeads = 2, ffn = 96, vocab = 50, layers = 2, context = 64
    var ropeBase: Float = 10000
    var epsilon: Float = 1e-5
    var omitKeys: Set<String> = []
    var omitTensors: Set<String> = []
    var reshape: [String: [Int]] = [:]
    var seed: UInt64 = 42

    var headDim: Int { dim / heads }

    /// Tensor names and ggml shapes (`[cols, rows]` for matrices), in file order.
    var tensorShapes: [(String, [Int])] {
        var t: [(String, [Int])] = [("token_embd.weight", [dim, vocab]), ("output_norm.weight", [dim])]
        for l in 0..<layers {
            let b = "blk.\(l)."
            t += [(b + "attn_norm.weight", [dim]), (b + "attn_q.weight", [dim, dim]),
                  (b + "attn_k.weight", [dim, kvHeads * headDim]), (b + "attn_v.weight", [dim, kvHeads * headDim]),
                  (b + "attn_output.weight", [dim, dim]), (b + "ffn_norm.weight", [dim]),
                  (b + "ffn_gate.weight", [dim, ffn]), (b + "ffn_up.weight", [dim, ffn]), (b + "ffn_down.weight", [ffn, dim])]
        }
        return t.filter { !omitTensors.contains($0.0) }.map { ($0.0, reshape[$0.0] ?? $0.1) }
    }

    /// The weights by tensor name (row-major, `rows × cols`), norms near 1, matrices small.
    func weights() -> [String: [Float]] {
        var rng = SplitMix64(seed: seed)
        var out: [String: [Float]] = [:]
        for (name, shape) in tensorShapes {
            let n = shape.reduce(1, *)
            if name.hasSuffix("norm.weight") {
                out[name] = (0..<n).map { _ in 0.8 + 0.4 * rng.unit() }
            } else {
                let scale = name == "token_embd.weight" ? Float(1) : 1 / Float(shape[0]).squareRoot()
                out[name] = (0..<n).map { _ in (2 * rng.unit() - 1) * scale * 1.7 }
            }
        }
        return out
    }

    func bytes() -> [UInt8] {
        var b: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); b += Array(s.utf8) }
        var kvs: [(String, () -> Void)] = []
        func kvU32(_ k: String, _ v: Int) { kvs.append((k, { u32(4); u32(UInt32(v)) })) }
        func kvF32(_ k: String, _ v: Float) { kvs.append((k, { u32(6); u32(v.bitPattern) })) }
        kvs.append(("general.architecture", { u32(8); str(architecture) }))
        let p = architecture + "."
        kvU32(p + "block_count", layers)
        kvU32(p + "embedding_length", dim)
        kvU32(p + "feed_forward_length", ffn)
        kvU32(p + "attention.head_count", heads)
        kvU32(p + "attention.head_count_kv", kvHeads)
        kvU32(p + "context_length", context)
        kvU32(p + "rope.dimension_count", headDim)
        kvU32(p + "vocab_size", vocab)
        kvF32(p + "rope.freq_base", ropeBase)
        kvF32(p + "attention.layer_norm_rms_epsilon", epsilon)
        kvs = kvs.filter { !omitKeys.contains($0.0) }

        let shapes = tensorShapes
        let w = weights()
        b += Array("GGUF".utf8)
        u32(3)
        u64(UInt64(shapes.count))
        u64(UInt64(kvs.count))
        for (k, write) in kvs { str(k); write() }
        var offset = 0
        for (name, shape) in shapes {
            str(name)
            u32(UInt32(shape.count))
            for d in shape { u64(UInt64(d)) }
            u32(0)  // F32
            u64(UInt64(offset))
            offset += (shape.reduce(1, *) * 4 + 31) / 32 * 32
        }
        while b.count % 32 != 0 { b.append(0) }
        for (name, shape) in shapes {
            for v in w[name]! { u32(v.bitPattern) }
            let n = shape.reduce(1, *) * 4
            b += [UInt8](repeating: 0, count: (n + 31) / 32 * 32 - n)
        }
        return b
    }

    func file() throws -> GGUFFile { try GGUFFile(bytes: bytes()) }
}

extension SplitMix64 {
    /// Uniform in [0, 1) from the top 24 bits.
    mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
