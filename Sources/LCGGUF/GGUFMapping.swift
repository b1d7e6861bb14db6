#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file. Tensors are views into it; it is unmapped when the last
/// reference goes away.
public final class GGUFMapping: @unchecked Sendable {
    /// Start of the mapping (nil only for an in-memory, empty mapping).
    public let base: UnsafeRawPointer
    /// Size of the mapped file in bytes.
    public let size: Int
    private let owned: UnsafeMutableRawPointer?  // heap copy for in-memory mappings
    private let mapped: Bool

    /// Maps `path` read-only. Throws when it cannot be opened, is not a regular file, or is empty.
    public init(path: String) throws {
        // O_NONBLOCK: opening a FIFO (say `--model /dev/stdin`) must not wait for a writer; it is then
        // rejected as not a regular file. The flag has no effect on regular files.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw GGUFError.notARegularFile(path: path) }
        let size = Int(st.st_size)
        // Files too short for a header are judged by the parser (bad magic first); only an empty file,
        // which cannot be mapped, is rejected here.
        guard size > 0 else { throw GGUFError.tooSmall(path: path, size: size) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: "mmap failed: " + String(cString: strerror(errno)))
        }
        self.base = UnsafeRawPointer(p)
        self.size = size
        self.owned = nil
        self.mapped = true
    }

    /// Wraps a copy of `bytes` (for tests and for files built in memory).
    public init(bytes: [UInt8]) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { src in
            if let s = src.baseAddress { p.copyMemory(from: s, byteCount: bytes.count) }
        }
        self.base = UnsafeRawPointer(p)
        self.size = bytes.count
        self.owned = p
        self.mapped = false
    }

    /// Asks the kernel to read the whole file ahead (weights are about to be touched).
    public func adviseWillNeed() {
        if mapped { _ = madvise(UnsafeMutableRawPointer(mutating: base), size, MADV_WILLNEED) }
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), size)
        } else {
            owned?.deallocate()
        }
    }
}

/// A bounds-checked little-endian reader over a mapping.
struct GGUFCursor {
    let mapping: GGUFMapping
    var offset: Int

    /// Caps that stop a hostile file from making the reader allocate or loop without limit.
    static let maxStringLength: UInt64 = 1 << 26       // 64 MiB
    static let maxArrayCount: UInt64 = 1 << 28
    static let maxNesting = 8

    var remaining: Int { mapping.size - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type, what: @autoclosure () -> String) throws -> T {
        let n = MemoryLayout<T>.size
        guard remaining >= n else { throw GGUFError.truncated(what: what()) }
        let v = mapping.base.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += n
        return T(littleEndian: v)
    }

    mutating func read(_: Float.Type, what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what: what()))
    }

    mutating func read(_: Double.Type, what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what: what()))
    }

    mutating func readLength(what: @autoclosure () -> String, limit: UInt64) throws -> Int {
        let n = try read(UInt64.self, what: what())
        guard n <= limit else { throw GGUFError.limitExceeded(what: "length of \(what())", value: n, limit: limit) }
        return Int(n)
    }

    mutating func readString(what: @autoclosure () -> String) throws -> String {
        let n = try readLength(what: what(), limit: Self.maxStringLength)
        guard remaining >= n else { throw GGUFError.truncated(what: what()) }
        let buf = UnsafeRawBufferPointer(start: mapping.base + offset, count: n)
        offset += n
        // Validate: String(decoding:) would silently repair invalid UTF-8.
        guard let s = String(validating: buf.bindMemory(to: UInt8.self), as: UTF8.self) else {
            throw GGUFError.invalidUTF8(what: what())
        }
        return s
    }

    /// Steps over a string, still checking it is UTF-8, so that arrays of strings decoded later
    /// (the vocabulary) cannot fail: a bad entry is reported when the file is opened.
    mutating func skipString(what: @autoclosure () -> String) throws {
        let n = try readLength(what: what(), limit: Self.maxStringLength)
        guard remaining >= n else { throw GGUFError.truncated(what: what()) }
        guard UTF8Validation.isValid(UnsafeRawBufferPointer(start: mapping.base + offset, count: n)) else {
            throw GGUFError.invalidUTF8(what: what())
        }
        offset += n
    }

    mutating func readValueType(key: String) throws -> GGUFValueType {
        let raw = try read(UInt32.self, what: "the type of '\(key)'")
        guard let t = GGUFValueType(rawValue: raw) else { throw GGUFError.unknownValueType(key: key, raw: raw) }
        return t
    }

    /// Reads one value; arrays become lazy views after their extent has been walked and checked.
    mutating func readValue(type: GGUFValueType, key: String, depth: Int) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try read(UInt8.self, what: key))
        case .int8: return .int8(try read(Int8.self, what: key))
        case .uint16: return .uint16(try read(UInt16.self, what: key))
        case .int16: return .int16(try read(Int16.self, what: key))
        case .uint32: return .uint32(try read(UInt32.self, what: key))
        case .int32: return .int32(try read(Int32.self, what: key))
        case .float32: return .float32(try read(Float.self, what: key))
        case .bool:
            let b = try read(UInt8.self, what: key)
            return .bool(b != 0)
        case .string: return .string(try readString(what: key))
        case .uint64: return .uint64(try read(UInt64.self, what: key))
        case .int64: return .int64(try read(Int64.self, what: key))
        case .float64: return .float64(try read(Double.self, what: key))
        case .array:
            guard depth < Self.maxNesting else {
                throw GGUFError.limitExceeded(what: "array nesting of '\(key)'", value: UInt64(depth + 1),
                                              limit: UInt64(Self.maxNesting))
            }
            let elementType = try readValueType(key: key)
            let count = try readLength(what: "array '\(key)'", limit: Self.maxArrayCount)
            let start = offset
            try skipElements(type: elementType, count: count, key: key, depth: depth + 1)
            return .array(GGUFArray(elementType: elementType, count: count, mapping: mapping, offset: start, key: key))
        }
    }

    /// Walks over `count` elements, checking every length against the file.
    mutating func skipElements(type: GGUFValueType, count: Int, key: String, depth: Int) throws {
        if let size = type.fixedSize {
            let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, bytes <= remaining else { throw GGUFError.truncated(what: "array '\(key)'") }
            offset += bytes
            return
        }
        switch type {
        case .string:
            // Each string needs at least its 8-byte length: reject impossible counts before looping.
            guard count <= remaining / 8 else { throw GGUFError.truncated(what: "array '\(key)'") }
            for i in 0..<count { try skipString(what: "element #\(i) of array '\(key)'") }
        case .array:
            guard count <= remaining / 12 else { throw GGUFError.truncated(what: "array '\(key)'") }
            for _ in 0..<count { _ = try readValue(type: .array, key: key, depth: depth) }
        default:
            break
        }
    }
}
