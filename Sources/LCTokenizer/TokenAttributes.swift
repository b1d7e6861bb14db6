/// Per-token attributes, with llama.cpp's bit values (`llama_token_attr`), derived from GGUF token types
/// and then adjusted by llama.cpp's text-based rules (`SpecialTokenRules`).
struct TokenAttributes: OptionSet, Sendable {
    let rawValue: UInt16

    static let unknown = TokenAttributes(rawValue: 1 << 0)
    static let unused = TokenAttributes(rawValue: 1 << 1)
    static let normal = TokenAttributes(rawValue: 1 << 2)
    static let control = TokenAttributes(rawValue: 1 << 3)
    static let userDefined = TokenAttributes(rawValue: 1 << 4)
    static let byte = TokenAttributes(rawValue: 1 << 5)

    /// From a GGUF `tokenizer.ggml.token_type` value: 1 normal, 2 unknown, 3 control, 4 user-defined,
    /// 5 unused, 6 byte; anything else is undefined (no attribute), as in llama.cpp.
    init(ggufTokenType type: Int) {
        switch type {
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: self = []
        }
    }

    init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Tokens found inside text before BPE (llama.cpp's special-token cache).
    var isSpecial: Bool { !intersection([.control, .userDefined, .unknown]).isEmpty }
}

/// llama.cpp's rules that look at token texts (llama-vocab.cpp, "auto-detect special tokens by text"):
/// which tokens end generation, and which get forced to control type. They change what `parseSpecial`
/// sees, so the tokenizer applies them exactly.
enum SpecialTokenRules {
    static let eotNames = ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                           "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>",
                           "<end_of_utterance>"]
    static let eomNames = ["<|eom_id|>"]
    static let fimPrefixNames = ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>",
                                 "▁<PRE>", "<|code_prefix|>", "<|prefix|>"]
    static let fimSuffixNames = ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>",
                                 "▁<SUF>", "<|code_suffix|>", "<|suffix|>"]
    static let fimMiddleNames = ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>",
                                 "▁<MID>", "<|code_middle|>", "<|middle|>"]
    static let fimPadNames = ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]
    static let fimRepoNames = ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]
    static let fimSepNames = ["<|file_sep|>"]
    static let eogNames = ["<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
                           "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>",
                           "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
                           "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~["]
    static let alwaysRenderedNames = ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"]

    /// Applies the rules to `attributes` and returns the end-of-generation set.
    ///
    /// llama.cpp walks a hash map, so when several texts could fill one role (two FIM-repo spellings in one
    /// vocabulary) its pick is arbitrary; here the first name in its list wins. No known vocabulary has two.
    static func apply(attributes: inout [TokenAttributes], eosId: Int32?, eotId: Int32?,
                      idOf: (String) -> Int32?) -> Set<Int32> {
        func firstPresent(_ names: [String]) -> Int32? {
            for name in names { if let id = idOf(name) { return id } }
            return nil
        }
        func forceControl(_ id: Int32?) {
            if let id { attributes[Int(id)].insert(.control) }
        }
        let eot = eotId ?? firstPresent(eotNames)
        if eotId == nil { forceControl(eot) }
        let eom = firstPresent(eomNames)
        forceControl(eom)
        for names in [fimPrefixNames, fimSuffixNames, fimMiddleNames] { forceControl(firstPresent(names)) }
        let fimPad = firstPresent(fimPadNames), fimRepo = firstPresent(fimRepoNames)
        let fimSep = firstPresent(fimSepNames)
        [fimPad, fimRepo, fimSep].forEach(forceControl)

        var eog = Set<Int32>([fimPad, fimRepo, fimSep].compactMap { $0 })
        for name in eogNames {
            if let id = idOf(name) {
                eog.insert(id)
                forceControl(id)
            }
        }
        for name in alwaysRenderedNames {
            if let id = idOf(name) { attributes[Int(id)] = .userDefined }
        }
        for id in [eosId, eot, eom].compactMap({ $0 }) { eog.insert(id) }

        // o200k_harmony / solar-open: "<|end|>" ends a message, not the generation.
        func present(_ name: String) -> Bool { idOf(name).map { eog.contains($0) } ?? false }
        let hasCall = present("<|call|>") || present("<|calls|>")
        if let end = idOf("<|end|>"), eog.contains(end),
           hasCall && (present("<|return|>") || present("<|flush|>")) {
            eog.remove(end)
            attributes[Int(end)] = .userDefined
        }
        // Gemma 4 / PaddleOCR: "</s>" is not an end of generation there.
        if present("<|tool_response>"), let s = idOf("</s>"), eog.contains(s) {
            eog.remove(s)
            attributes[Int(s)] = .normal
        }
        return eog
    }
}
