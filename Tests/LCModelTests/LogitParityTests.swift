import Foundation
import Testing
import LCModel

/// Logits at the last prompt position against llama.cpp's (flash attention off: the same attention order of
/// operations as ours).
@Suite struct LogitParityTests {
    @Test func lastPositionLogitsMatchLlamaCpp() throws {
        let model = try ModelFixtures.model.get()
        let file = try ModelFixtures.decode(ModelFixtures.LogitFile.self, "logits.json")
        let state = try InferenceState(model: model, options: RuntimeOptions(contextLength: 512, threads: 2))
        var worstTop20: Float = 0
        var worstFull: Float = 0
        for c in file.cases {
            state.reset()
            let logits = Array(try state.evaluate(c.prompt_ids))
            let ours = logits.indices.sorted { logits[$0] > logits[$1] }
            #expect(Array(ours.prefix(5)) == Array(c.flash_off.top_ids.prefix(5)), "top-5 ids differ on '\(c.name)'")
            var caseMax: Float = 0
            for (id, v) in zip(c.flash_off.top_ids, c.flash_off.top_values) { caseMax = max(caseMax, abs(logits[id] - v)) }
            worstTop20 = max(worstTop20, caseMax)
            if let name = c.full_vector {
                let ref = try ModelFixtures.floats(name)
                if let dir = ProcessInfo.processInfo.environment["LC_DUMP"] {
                    try logits.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir + "/" + name)) }
                }
                #expect(ref.count == logits.count)
                let full = zip(ref, logits).map { abs($0 - $1) }.max() ?? .infinity
                worstFull = max(worstFull, full)
                print("logits '\(c.name)': max |Δ| over the whole vocabulary \(full)")
            }
            print("logits '\(c.name)': max |Δ| over the reference top-20 \(caseMax)")
        }
        print("logits: worst max |Δ| top-20 \(worstTop20), whole vocabulary \(worstFull)")
        #expect(worstTop20 <= 0.2)
        #expect(worstFull <= 0.2)
    }
}
