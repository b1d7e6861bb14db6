import LCKernels

/// Where one tensor lives in a GGUF file.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// Tensor name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// Dimensions in ggml order: `shape[0]` is the innermost (contiguous) one, so a weight matrix
    /// of `rows` outputs by `cols` inputs has shape `[cols, rows]`.
    public let shape: [Int]
    /// Element type.
    public let type: GGMLType
    /// Absolute byte offset of the data in the file.
    public let fileOffset: Int
    /// Bytes of data.
    public let byteCount: Int

    /// Total number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
    /// Length of the innermost dimension (a matrix's row length).
    public var rowLength: Int { shape.first ?? 1 }
    /// Number of rows (product of all dimensions but the innermost).
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }
}

/// A parsed GGUF (v2/v3) file: metadata, tensor directory, and the mapping the tensors are views into.
/// Nothing is copied: `data(of:)` returns a pointer into the mapping.
public final class GGUFFile: Sendable {
    /// GGUF format version (2 or 3).
    public let version: UInt32
    /// Metadata by key.
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Tensor directory in file order.
    public let tensors: [GGUFTensorInfo]
    /// Data alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// Absolute offset of the tensor data section.
    public let dataOffset: Int
    /// The file mapping.
    public let mapping: GGUFMapping
    /// The path the file was opened from ("<memory>" for in-memory files).
    public let path: String
    private let tensorIndex: [String: Int]

    // Caps on counts: beyond these no real model goes, and a hostile header is rejected before looping.
    /// Most tensors a file may declare.
    public static let maxTensorCount: UInt64 = 1 << 20
    /// Most metadata entries a file may declare.
    public static let maxMetadataCount: UInt64 = 1 << 20
    /// Highest tensor rank (ggml's GGML_MAX_DIMS).
    public static let maxRank: UInt32 = 4

    /// Opens and maps `path`, parsing and bounds-checking everything.
    public convenience init(path: String) throws {
        try self.init(mapping: GGUFMapping(path: path), path: path)
    }

    /// Parses an in-memory image of a GGUF file.
    public convenience init(bytes: [UInt8]) throws {
        try self.init(mapping: GGUFMapping(bytes: bytes), path: "<memory>")
    }

    init(mapping: GGUFMapping, path: String) throws {
        self.mapping = mapping
        self.path = path
        var c = GGUFCursor(mapping: mapping, offset: 0)
        // Magic first, so that any short non-GGUF file is called what it is; a GGUF file cut inside
        // the rest of the 24-byte header is reported as truncated.
        guard mapping.size >= 4 else { throw GGUFError.tooSmall(path: path, size: mapping.size) }
        let magic = try c.read(UInt32.self, what: "the header")
        guard magic == 0x4655_4747 else { throw GGUFError.badMagic(path: path) }  // "GGUF"
        let version = try c.read(UInt32.self, what: "the header")
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(version) }
        self.version = version
        let tensorCount = try c.read(UInt64.self, what: "the header")
        let kvCount = try c.read(UInt64.self, what: "the header")
        guard tensorCount <= Self.maxTensorCount else {
            throw GGUFError.limitExceeded(what: "tensor count", value: tensorCount, limit: Self.maxTensorCount)
        }
        guard kvCount <= Self.maxMetadataCount else {
            throw GGUFError.limitExceeded(what: "metadata count", value: kvCount, limit: Self.maxMetadataCount)
        }
        // Every entry takes some bytes; a count that cannot fit is a truncated (or lying) file.
        guard kvCount <= UInt64(c.remaining / 12), tensorCount <= UInt64(c.remaining / 24) else {
            throw GGUFError.truncated(what: "the metadata and tensor directory")
        }

        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        metadata.reserveCapacity(Int(kvCount))
        for i in 0..<Int(kvCount) {
            let key = try c.readString(what: "metadata key #\(i)")
            let type = try c.readValueType(key: key)
            let value = try c.readValue(type: type, key: key, depth: 0)
            guard metadata[key] == nil else { throw GGUFError.duplicateKey(key) }
            metadata[key] = value
            keys.append(key)
        }
        self.metadata = metadata
        self.metadataKeys = keys

        var alignment = 32
        if let a = metadata["general.alignment"] {
            if case let .uint64(big) = a, a.intValue == nil { throw GGUFError.badAlignment(big) }
            guard let v = a.intValue else {
                throw GGUFError.typeMismatch(key: "general.alignment", expected: "integer", found: "\(a.type)")
            }
            guard v > 0, v <= 65536, v & (v - 1) == 0 else {
                throw GGUFError.badAlignment(UInt64(truncatingIfNeeded: v))
            }
            alignment = v
        }
        self.alignment = alignment

        struct RawTensor { var name: String; var shape: [Int]; var type: GGMLType; var offset: UInt64 }
        var raw: [RawTensor] = []
        raw.reserveCapacity(Int(tensorCount))
        var index: [String: Int] = [:]
        for i in 0..<Int(tensorCount) {
            let name = try c.readString(what: "the name of tensor #\(i)")
            let rank = try c.read(UInt32.self, what: "tensor '\(name)'")
            guard rank >= 1, rank <= Self.maxRank else {
                throw GGUFError.limitExceeded(what: "rank of tensor '\(name)'", value: UInt64(rank),
                                              limit: UInt64(Self.maxRank))
            }
            var dims: [UInt64] = []
            for _ in 0..<rank { dims.append(try c.read(UInt64.self, what: "the shape of tensor '\(name)'")) }
            let typeRaw = try c.read(UInt32.self, what: "tensor '\(name)'")
            let offset = try c.read(UInt64.self, what: "tensor '\(name)'")
            guard let type = GGMLType(rawValue: typeRaw) else {
                throw GGUFError.unknownTensorType(tensor: name, raw: typeRaw)
            }
            var shape: [Int] = []
            var total: Int = 1
            for d in dims {
                guard d >= 1, d <= UInt64(Int32.max) else {
                    throw GGUFError.badShape(tensor: name, shape: dims, reason: "dimension \(d) out of range")
                }
                let (t, o) = total.multipliedReportingOverflow(by: Int(d))
                guard !o, t <= 1 << 40 else {
                    throw GGUFError.badShape(tensor: name, shape: dims, reason: "element count overflows")
                }
                total = t
                shape.append(Int(d))
            }
            guard shape[0] % type.blockSize == 0 else {
                throw GGUFError.badShape(tensor: name, shape: dims,
                                         reason: "row length is not a multiple of the \(type) block size \(type.blockSize)")
            }
            guard index[name] == nil else { throw GGUFError.duplicateTensor(name) }
            index[name] = i
            raw.append(RawTensor(name: name, shape: shape, type: type, offset: offset))
        }
        let dataOffset = (c.offset + alignment - 1) / alignment * alignment
        self.dataOffset = dataOffset

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(raw.count)
        for t in raw {
            guard t.offset % UInt64(alignment) == 0 else {
                throw GGUFError.misalignedTensor(tensor: t.name, offset: t.offset, alignment: alignment)
            }
            // Cannot fail after the shape checks above (whole blocks, at most 2^40 elements); kept as an
            // error rather than a trap all the same.
            guard let bytes = t.type.byteCount(elements: t.shape.reduce(1, *)) else {
                throw GGUFError.badShape(tensor: t.name, shape: t.shape.map { UInt64($0) }, reason: "byte size overflows")
            }
            let start = UInt64(dataOffset).addingReportingOverflow(t.offset)
            let end = start.partialValue.addingReportingOverflow(UInt64(bytes))
            guard !start.overflow, !end.overflow, end.partialValue <= UInt64(mapping.size) else {
                throw GGUFError.tensorOutOfBounds(
                    tensor: t.name, end: start.overflow || end.overflow ? UInt64.max : end.partialValue,
                    fileSize: mapping.size)
            }
            tensors.append(GGUFTensorInfo(name: t.name, shape: t.shape, type: t.type,
                                          fileOffset: Int(start.partialValue), byteCount: bytes))
        }
        self.tensors = tensors
        self.tensorIndex = index
    }

    /// Size of the file in bytes.
    public var fileSize: Int { mapping.size }

    /// The tensor called `name`, if present.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// A pointer to the tensor's data inside the mapping (valid while this file is alive).
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawPointer {
        mapping.base + tensor.fileOffset
    }

    // MARK: Typed metadata access

    /// The value of `key`, or throws `missingKey`.
    public func value(_ key: String) throws -> GGUFValue {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        return v
    }

    /// A string value; throws when missing or not a string.
    public func string(_ key: String) throws -> String {
        let v = try value(key)
        guard let s = v.stringValue else { throw GGUFError.typeMismatch(key: key, expected: "string", found: "\(v.type)") }
        return s
    }

    /// An integer value of any integer type; throws when missing or not an integer.
    public func integer(_ key: String) throws -> Int {
        let v = try value(key)
        guard let i = v.intValue else { throw GGUFError.typeMismatch(key: key, expected: "integer", found: "\(v.type)") }
        return i
    }

    /// A float value (float or integer type); throws when missing or of another type.
    public func float(_ key: String) throws -> Float {
        let v = try value(key)
        guard let d = v.doubleValue else { throw GGUFError.typeMismatch(key: key, expected: "number", found: "\(v.type)") }
        return Float(d)
    }

    /// An array value; throws when missing or not an array.
    public func array(_ key: String) throws -> GGUFArray {
        let v = try value(key)
        guard let a = v.arrayValue else { throw GGUFError.typeMismatch(key: key, expected: "array", found: "\(v.type)") }
        return a
    }

    /// `key`'s value if present, converted with `get`; nil when absent.
    public func optional<T>(_ key: String, _ get: (String) throws -> T) throws -> T? {
        metadata[key] == nil ? nil : try get(key)
    }
}
