/// A pattern compiled to a backtracking program over interned token ids (the shape of Thompson/Pike regex VMs,
/// with tokens for characters).
struct PatternProgram: Sendable {
    enum Test: Sendable, Equatable {
        case id(Int32)
        case oneOf(Set<Int32>)      // an alternation of single words, tested with one hash probe
        case prefix(String)
        case any
        case number(PatternNode.NumberKind)
    }

    enum Instruction: Sendable {
        case token(Test)
        case split(Int, Int)        // try the first target, on failure the second
        case jump(Int)
        case match
    }

    let instructions: [Instruction]

    /// Ids of the words the pattern itself names: a negation word among them is part of the phrase, not a
    /// negation of it ("do not want to live").
    let literalIds: Set<Int32>

    /// Token ids that can start a match, or nil when the first token is not a plain word (prefix, any, number).
    let firstIds: Set<Int32>?

    /// Compiles `node`; `intern` maps a normalised word to its id.
    init(_ node: PatternNode, intern: (String) -> Int32) {
        var code: [Instruction] = []
        Self.emit(node, into: &code, intern: intern)
        code.append(.match)
        instructions = code
        firstIds = Self.firstIds(code)
        literalIds = code.reduce(into: Set<Int32>()) { ids, instruction in
            if case .token(.id(let id)) = instruction { ids.insert(id) }
            if case .token(.oneOf(let set)) = instruction { ids.formUnion(set) }
        }
    }

    private static func emit(_ node: PatternNode, into code: inout [Instruction], intern: (String) -> Int32) {
        switch node {
        case .sequence(let items):
            for item in items { emit(item, into: &code, intern: intern) }
        case .alternatives(let all):
            // Single-word options collapse into one set test; the rest stay as real alternatives.
            var words: Set<Int32> = []
            var options: [PatternNode] = []
            for option in all {
                if case .word(let word) = option { words.insert(intern(word)) } else { options.append(option) }
            }
            if !words.isEmpty {
                let test: Test = words.count == 1 ? .id(words.first!) : .oneOf(words)
                if options.isEmpty {
                    code.append(.token(test))
                    return
                }
                options.insert(.sequence([]), at: 0)
                emitAlternatives(options, firstTest: test, into: &code, intern: intern)
                return
            }
            emitAlternatives(options, firstTest: nil, into: &code, intern: intern)
        case .optional(let item):
            let split = code.count
            code.append(.split(split + 1, -1))
            emit(item, into: &code, intern: intern)
            code[split] = .split(split + 1, code.count)
        case .gap(let n):
            // Lazy: prefer the shortest gap, so spans stay tight for idiom-overlap checks.
            var splits: [Int] = []
            for _ in 0..<n {
                splits.append(code.count)
                code.append(.split(-1, code.count + 1))
                code.append(.token(.any))
            }
            for s in splits { code[s] = .split(code.count, s + 1) }
        case .word(let word): code.append(.token(.id(intern(word))))
        case .prefix(let stem): code.append(.token(.prefix(stem)))
        case .anyToken: code.append(.token(.any))
        case .number(let kind): code.append(.token(.number(kind)))
        }
    }

    /// Emits `options` as a chain of splits; when `firstTest` is set, the first option is that single-token test.
    private static func emitAlternatives(_ options: [PatternNode], firstTest: Test?, into code: inout [Instruction],
                                         intern: (String) -> Int32) {
        var jumpsToEnd: [Int] = []
        for (k, option) in options.enumerated() {
            let split = code.count
            if k < options.count - 1 { code.append(.split(split + 1, -1)) }
            if k == 0, let firstTest { code.append(.token(firstTest)) } else { emit(option, into: &code, intern: intern) }
            if k < options.count - 1 {
                jumpsToEnd.append(code.count)
                code.append(.jump(-1))
                code[split] = .split(split + 1, code.count)
            }
        }
        for j in jumpsToEnd { code[j] = .jump(code.count) }
    }

    private static func firstIds(_ code: [Instruction]) -> Set<Int32>? {
        var ids: Set<Int32> = []
        var seen: Set<Int> = []
        var pending = [0]
        while let pc = pending.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch code[pc] {
            case .token(.id(let id)): ids.insert(id)
            case .token(.oneOf(let set)): ids.formUnion(set)
            case .token: return nil
            case .split(let a, let b): pending.append(a); pending.append(b)
            case .jump(let t): pending.append(t)
            case .match: return nil
            }
        }
        return ids
    }

    /// Runs the program at `start`; returns the end (exclusive) of the first match found, or nil. `stack` is
    /// scratch space the caller reuses across calls.
    func match(_ stream: TokenStream, at start: Int, stack: inout [(pc: Int, pos: Int)]) -> Int? {
        stack.removeAll(keepingCapacity: true)
        stack.append((0, start))
        var steps = 0
        while let (startPC, startPos) = stack.popLast() {
            var pc = startPC
            var pos = startPos
            while true {
                steps += 1
                if steps > 20_000 { return nil }     // a pathological policy pattern cannot stall the screen
                switch instructions[pc] {
                case .match:
                    return pos
                case .jump(let target):
                    pc = target
                    continue
                case .split(let first, let second):
                    stack.append((second, pos))
                    pc = first
                    continue
                case .token(let test):
                    guard pos < stream.count, stream.passes(test, at: pos) else { break }
                    pos += 1
                    pc += 1
                    continue
                }
                break
            }
        }
        return nil
    }
}

/// One language's view of a message: normalised token texts and their ids in that language's vocabulary.
struct TokenStream: Sendable {
    /// Normalised tokens, `<s>` markers included. Shape: (tokens).
    let texts: [String]
    /// Vocabulary id per token, -1 for words no rule mentions. Shape: (tokens).
    let ids: [Int32]
    /// True where a pause (comma, colon, dash) came just before the token. Shape: (tokens).
    let pauseBefore: [Bool]
    /// Id of the `<s>` marker in this vocabulary.
    let sentenceStartId: Int32

    var count: Int { ids.count }

    func passes(_ test: PatternProgram.Test, at pos: Int) -> Bool {
        switch test {
        case .id(let id): return ids[pos] == id
        case .oneOf(let set): return set.contains(ids[pos])
        case .any: return ids[pos] != sentenceStartId
        case .prefix(let stem): return ids[pos] != sentenceStartId && texts[pos].hasPrefix(stem)
        case .number(let kind):
            guard let value = Int(texts[pos]) else { return false }
            switch kind {
            case .any: return true
            case .atLeastTen: return value >= 10
            case .year: return texts[pos].count == 4 && (1900...2099).contains(value)
            }
        }
    }
}
