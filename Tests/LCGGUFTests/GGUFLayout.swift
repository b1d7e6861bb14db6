import Foundation

/// Where the structural fields of a valid GGUF image sit, found by a walker written independently of the
/// reader. The malformed suite patches these fields by name; the fuzzer overwrites them with absurd values.
struct GGUFLayout {
    enum Kind: String, CaseIterable {
        case version, tensorCount, kvCount, keyLength, valueType, stringLength, arrayElementType, arrayCount
        case scalar, tensorNameLength, rank, dimension, tensorType, tensorOffset
    }

    /// One field: what it is, where it is, how wide, and which key or tensor it belongs to.
    struct Field {
        var kind: Kind
        var offset: Int
        var width: Int
        var owner: String
    }

    var fields: [Field] = []
    /// Offset of the first byte after the tensor directory.
    var directoryEnd = 0

    func all(_ kind: Kind) -> [Field] { fields.filter { $0.kind == kind } }

    /// The first field of `kind` owned by `owner` (any owner when nil).
    func field(_ kind: Kind, owner: String? = nil) -> Field? {
        fields.first { $0.kind == kind && (owner == nil || $0.owner == owner) }
    }

    /// Walks a valid image. Returns nil when the image is not one (the walker trusts nothing it cannot use).
    static func scan(_ b: [UInt8]) -> GGUFLayout? {
        var s = Scanner(bytes: b)
        return s.run()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var at = 0
        var layout = GGUFLayout()

        mutating func u(_ width: Int, _ kind: Kind?, _ owner: String) -> UInt64? {
            guard at + width <= bytes.count else { return nil }
            var v: UInt64 = 0
            for k in 0..<width { v |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
            if let kind { layout.fields.append(Field(kind: kind, offset: at, width: width, owner: owner)) }
            at += width
            return v
        }

        mutating func string(_ lengthKind: Kind, _ owner: String) -> String? {
            guard let n = u(8, lengthKind, owner), n <= UInt64(bytes.count - at) else { return nil }
            let s = String(decoding: bytes[at..<(at + Int(n))], as: UTF8.self)
            at += Int(n)
            return s
        }

        mutating func value(type: UInt64, owner: String, depth: Int) -> Bool {
            let fixed: [UInt64: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
            if let w = fixed[type] { return u(w, .scalar, owner) != nil }
            if type == 8 { return string(.stringLength, owner) != nil }
            guard type == 9, depth < 16, let et = u(4, .arrayElementType, owner), let n = u(8, .arrayCount, owner),
                  n <= UInt64(bytes.count) else { return false }
            // Long arrays of scalars: record the count but not every element (keeps the field list small).
            if let w = fixed[et] {
                guard UInt64(w) * n <= UInt64(bytes.count - at) else { return false }
                at += w * Int(n)
                return true
            }
            for _ in 0..<n where !value(type: et, owner: owner, depth: depth + 1) { return false }
            return true
        }

        mutating func run() -> GGUFLayout? {
            guard bytes.count >= 24, bytes[0..<4].elementsEqual("GGUF".utf8) else { return nil }
            at = 4
            guard u(4, .version, "header") != nil, let tc = u(8, .tensorCount, "header"),
                  let kc = u(8, .kvCount, "header"), tc < 1 << 20, kc < 1 << 20 else { return nil }
            for _ in 0..<kc {
                guard let key = string(.keyLength, "?"), let t = u(4, .valueType, key) else { return nil }
                layout.fields[layout.fields.count - 2].owner = key
                guard value(type: t, owner: key, depth: 0) else { return nil }
            }
            for _ in 0..<tc {
                guard let name = string(.tensorNameLength, "?"), let rank = u(4, .rank, name), rank <= 8 else { return nil }
                layout.fields[layout.fields.count - 2].owner = name
                for _ in 0..<rank { guard u(8, .dimension, name) != nil else { return nil } }
                guard u(4, .tensorType, name) != nil, u(8, .tensorOffset, name) != nil else { return nil }
            }
            layout.directoryEnd = at
            return layout
        }
    }
}
