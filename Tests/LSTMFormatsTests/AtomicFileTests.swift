// Atomic writes: failures throw FormatError and leave neither a partial file nor a temporary.

import Foundation
import LSTMCore
import LSTMFormats
import LSTMTestSupport
import Testing

@Suite struct AtomicFileTests {
    @Test func missingFolderThrowsAndLeavesNothing() throws {
        let temporary = try TemporaryFolder(prefix: "LSTMFormatsTests")
        let root = temporary.url
        let target = root.appendingPathComponent("missing/model.safetensors")
        let error = expectFormatError("folderMissing") { try AtomicFile.write(Data([1, 2, 3]), to: target) }
        #expect(error?.description.contains("does not exist") == true)
        expectFormatError("folderMissing") { try SafeTensors.write([:], to: target) }
        expectFormatError("folderMissing") {
            try NumpyFile.write(Tensor(shape: [1], values: [1]), to: root.appendingPathComponent("missing/x.npy"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }

    @Test func renameFailureRemovesTemporaryFile() throws {
        let temporary = try TemporaryFolder(prefix: "LSTMFormatsTests")
        let root = temporary.url
        // A non-empty folder at the target path cannot be replaced by a file.
        let target = root.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data([0]).write(to: target.appendingPathComponent("keep"))
        expectFormatError("writeFailed") { try AtomicFile.write(Data(repeating: 7, count: 4096), to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["occupied"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["keep"])
    }

    @Test func replacesExistingFileCompletely() throws {
        let temporary = try TemporaryFolder(prefix: "LSTMFormatsTests")
        let root = temporary.url
        let target = root.appendingPathComponent("data.bin")
        try Data(repeating: 1, count: 10_000).write(to: target)
        var generator = SeededGenerator(seed: 5)
        let payload = Data((0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try AtomicFile.write(payload, to: target)
        #expect(try Data(contentsOf: target) == payload)
        try AtomicFile.write(Data(), to: target)
        #expect(try Data(contentsOf: target).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["data.bin"])
    }
}
