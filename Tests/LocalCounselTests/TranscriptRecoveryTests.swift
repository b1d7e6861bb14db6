import Foundation
import Testing
@testable import LocalCounsel

/// `TranscriptReader.recover`: what an interrupted chat left behind is readable up to the cut, and nothing
/// that fails authentication ever is.
@Suite struct TranscriptRecoveryTests {
    typealias T = TranscriptTests

    /// Writes `bytes` to a new file in `dir` and recovers it.
    static func recover(_ bytes: [UInt8], in dir: URL) throws -> TranscriptReader.Recovery {
        let path = dir.appendingPathComponent("cut-\(bytes.count).lct").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try TranscriptReader.recover(path: path, passphrase: T.passphrase)
    }

    @Test func aCompleteFileRecoversWhole() throws {
        let dir = try T.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try T.writeSample(in: dir)
        let recovery = try TranscriptReader.recover(path: path, passphrase: T.passphrase)
        #expect(recovery.isComplete)
        #expect(recovery.entries.map(\.text) == T.messages.map(\.1))
    }

    @Test func everyCutAfterTheKeyCheckYieldsTheEntriesBeforeIt() throws {
        let dir = try T.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try T.bytes(try T.writeSample(in: dir))
        // Where each record ends: record 0 is the key check, 1...n the entries, n + 1 the closing record.
        var ends: [Int] = []
        var offset = TranscriptFormat.headerByteCount
        for i in 0..<(T.messages.count + 2) {
            offset += T.recordLength(original, index: i)
            ends.append(offset)
        }
        // Every record boundary and its neighbours, and a stride through the records' insides.
        let cuts = Set(ends.flatMap { [$0 - 1, $0, $0 + 1] } + Array(stride(from: ends[0], to: original.count, by: 7)))
            .filter { $0 >= ends[0] && $0 < original.count }.sorted()
        for length in cuts {
            let recovery = try Self.recover(Array(original.prefix(length)), in: dir)
            let whole = ends.dropFirst().filter { $0 <= length }.count  // entry records fully present
            #expect(!recovery.isComplete, "prefix of \(length) bytes")
            #expect(recovery.entries.map(\.text) == Array(T.messages.prefix(whole).map(\.1)), "prefix of \(length) bytes")
        }
        // Before the key check is whole, nothing proves the passphrase: an error, no entries.
        for length in [0, 8, TranscriptFormat.headerByteCount, ends[0] - 1] {
            #expect(throws: TranscriptError.self, "prefix of \(length) bytes") {
                _ = try Self.recover(Array(original.prefix(length)), in: dir)
            }
        }
    }

    @Test func alteredRecordsAndWrongPassphrasesAreStillRefused() throws {
        let dir = try T.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try T.writeSample(in: dir)
        let original = try T.bytes(path)
        // Cut before the closing record, then flip one byte inside the second entry's sealed bytes.
        let withoutEnd = Array(original.prefix(original.count - T.recordLength(original, index: T.messages.count + 1)))
        var damaged = withoutEnd
        let second = TranscriptFormat.headerByteCount + T.recordLength(original, index: 0)
            + T.recordLength(original, index: 1) + 4 + 3
        damaged[second] ^= 0x01
        #expect(throws: TranscriptError.tampered(path: dir.appendingPathComponent("cut-\(damaged.count).lct").path,
                                                record: 2)) {
            _ = try Self.recover(damaged, in: dir)
        }
        #expect(throws: TranscriptError.self) {
            _ = try TranscriptReader.recover(path: path, passphrase: "not the passphrase at all")
        }
    }
}
