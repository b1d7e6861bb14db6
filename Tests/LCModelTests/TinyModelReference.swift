import Foundation

/// A plain, slow, Double-precision llama forward pass over `TinyLlamaFile` weights, one token at a time, written
/// straight from the paper (RMSNorm, RoPE on adjacent pairs, causal grouped-query attention, SwiGLU), for
/// checking the optimised path.
struct TinyModelReference {
    let spec: TinyLlamaFile
    let w: [String: [Double]]
    var keys: [[[Double]]]   // (layer, position, kvDim)
    var values: [[[Double]]]

    init(_ spec: TinyLlamaFile) {
        self.spec = spec
        w = spec.weights().mapValues { $0.map(Double.init) }
        keys = Array(repeating: [], count: spec.layers)
        values = Array(repeating: [], count: spec.layers)
    }

    func matvec(_ name: String, _ x: [Double], rows: Int) -> [Double] {
        let m = w[name]!, cols = x.count
        return (0..<rows).map { r in (0..<cols).reduce(0) { $0 + m[r * cols + $1] * x[$1] } }
    }

    func rmsNorm(_ x: [Double], _ name: String) -> [Double] {
        let ss = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let s = 1 / (ss + Double(spec.epsilon)).squareRoot()
        return x.indices.map { x[$0] * s * w[name]![$0] }
    }

    func rope(_ v: inout [Double], heads: Int, position: Int) {
        let hd = spec.headDim
        for h in 0..<heads {
            for j in 0..<(hd / 2) {
                let theta = Double(position) * pow(Double(spec.ropeBase), -2 * Double(j) / Double(hd))
                let a = v[h * hd + 2 * j], b = v[h * hd + 2 * j + 1]
                v[h * hd + 2 * j] = a * cos(theta) - b * sin(theta)
                v[h * hd + 2 * j + 1] = a * sin(theta) + b * cos(theta)
            }
        }
    }

    /// Logits after appending `token` at the next position.
    mutating func step(_ token: Int) -> [Double] {
        let dim = spec.dim, hd = spec.headDim, kvDim = spec.kvHeads * hd
        let position = keys[0].count
        var x = Array(w["token_embd.weight"]![(token * dim)..<((token + 1) * dim)])
        for l in 0..<spec.layers {
            let b = "blk.\(l)."
            let xn = rmsNorm(x, b + "attn_norm.weight")
            var q = matvec(b + "attn_q.weight", xn, rows: dim)
            var k = matvec(b + "attn_k.weight", xn, rows: kvDim)
            let v = matvec(b + "attn_v.weight", xn, rows: kvDim)
            rope(&q, heads: spec.heads, position: position)
            rope(&k, heads: spec.kvHeads, position: position)
            keys[l].append(k)
            values[l].append(v)
            var att = [Double](repeating: 0, count: dim)
            for h in 0..<spec.heads {
                let kvh = h / (spec.heads / spec.kvHeads)
                var s = (0...position).map { p in
                    (0..<hd).reduce(0.0) { $0 + q[h * hd + $1] * keys[l][p][kvh * hd + $1] } / Double(hd).squareRoot()
                }
                let m = s.max()!
                s = s.map { exp($0 - m) }
                let z = s.reduce(0, +)
                for p in 0...position {
                    for i in 0..<hd { att[h * hd + i] += s[p] / z * values[l][p][kvh * hd + i] }
                }
            }
            let o = matvec(b + "attn_output.weight", att, rows: dim)
            for i in 0..<dim { x[i] += o[i] }
            let xn2 = rmsNorm(x, b + "ffn_norm.weight")
            let g = matvec(b + "ffn_gate.weight", xn2, rows: spec.ffn)
            let u = matvec(b + "ffn_up.weight", xn2, rows: spec.ffn)
            let hdn = (0..<spec.ffn).map { g[$0] / (1 + exp(-g[$0])) * u[$0] }
            let d = matvec(b + "ffn_down.weight", hdn, rows: dim)
            for i in 0..<dim { x[i] += d[i] }
        }
        return matvec("token_embd.weight", rmsNorm(x, "output_norm.weight"), rows: spec.vocab)
    }
}
