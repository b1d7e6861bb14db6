/// A read-only view of a weight matrix stored in a ggml type: `rows` output rows, each `cols` elements,
/// rows contiguous (ggml shape `[cols, rows]`). The pointer usually points into a GGUF mapping.
public struct WeightMatrix: @unchecked Sendable {
    /// Element type of the stored weights.
    public let type: GGMLType
    /// Number of rows (outputs).
    public let rows: Int
    /// Number of columns (inputs); a multiple of `type.blockSize`.
    public let cols: Int
    /// Start of row 0.
    public let data: UnsafeRawPointer

    /// Creates a view; `cols` must be a whole number of blocks.
    public init(type: GGMLType, rows: Int, cols: Int, data: UnsafeRawPointer) {
        self.type = type
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// Bytes in one row.
    public var rowBytes: Int { cols / type.blockSize * type.typeSize }

    /// Start of row `r`.
    @inline(__always) public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowBytes }
}
