// `lstm run` error paths: each exits non-zero with a message on stderr and writes nothing.
import Foundation
import LSTMTestSupport
import LSTMCore
import LSTMFormats
import Testing

@Suite("lstm run error paths")
struct RunErrorTests {
    static let fixture = CLIFixture(name: "numpy-basic")  // T=5 B=3 I=4 H=6

    /// Runs `run` with the basic fixture's weights plus `extra`, writing into a fresh folder,
    /// and checks the failure: status 1, `error:` and `expected` on stderr, no file left.
    private func expectFailure(_ extra: [String], output: String? = nil, expected: String,
                               folder: TemporaryFolder? = nil) throws {
        let folder = try folder ?? TemporaryFolder()
        let before = try folder.contents()
        let result = try LSTMBinary.run(
            ["run", "--weights", Self.fixture.path("model.safetensors"), "--output", output ?? folder.file("out.npy").path,
             "--h-n", folder.file("h_n.npy").path, "--c-n", folder.file("c_n.npy").path] + extra)
        #expect(result.status == 1, "\(result)")
        #expect(result.standardError.hasPrefix("error: "), "\(result)")
        #expect(result.standardError.contains(expected), "\(result)")
        #expect(!result.standardError.contains("Fatal error") && !result.standardError.contains("Stack dump"), "\(result)")
        let after = try folder.contents()
        #expect(after == before, "files were left behind: \(after)")
    }

    @Test("a missing input file")
    func missingFile() throws {
        try expectFailure(["--input", "/nonexistent/input.npy"], expected: "/nonexistent/input.npy")
    }

    @Test("a missing weights file")
    func missingWeights() throws {
        let folder = try TemporaryFolder()
        let result = try LSTMBinary.run([
            "run", "--weights", folder.file("none.safetensors").path, "--input", Self.fixture.path("input.npy"),
            "--output", folder.file("out.npy").path,
        ])
        #expect(result.status == 1, "\(result)")
        #expect(result.standardError.contains("none.safetensors"), "\(result)")
        #expect(try folder.contents().isEmpty)
    }

    @Test("an input whose feature size does not match the weights")
    func inputSizeMismatch() throws {
        // torch-bidirectional's input has I = 5; the model wants I = 4.
        try expectFailure(["--input", CLIFixture(name: "torch-bidirectional").path("input.npy")], expected: "input size is 4")
    }

    @Test("an h0 of the wrong shape")
    func wrongInitialHidden() throws {
        let folder = try TemporaryFolder()
        try NumpyFile.write(Tensor(repeating: 0.5, shape: [1, 3, 5]), to: folder.file("h0.npy"))
        try expectFailure(["--input", Self.fixture.path("input.npy"), "--h0", folder.file("h0.npy").path],
                          expected: "h0 has shape [1, 3, 5]", folder: folder)
    }

    @Test("lengths out of range", arguments: [[1, 6, 2], [0, 5, 5], [5, 5]])
    func lengthsOutOfRange(lengths: [Int]) throws {
        let folder = try TemporaryFolder()
        let url = folder.file("lengths.npy")
        try Self.writeInt64(lengths, to: url)
        try expectFailure(["--input", Self.fixture.path("input.npy"), "--lengths", url.path],
                          expected: "lengths", folder: folder)
    }

    @Test("an output folder that does not exist")
    func missingOutputFolder() throws {
        let folder = try TemporaryFolder()
        let output = folder.file("missing/out.npy").path
        try expectFailure(["--input", Self.fixture.path("input.npy")], output: output, expected: "does not exist", folder: folder)
    }

    @Test("a bad --device value is a usage error")
    func badDevice() throws {
        let folder = try TemporaryFolder()
        let result = try LSTMBinary.run([
            "run", "--weights", Self.fixture.path("model.safetensors"), "--input", Self.fixture.path("input.npy"),
            "--output", folder.file("out.npy").path, "--device", "gpu",
        ])
        #expect(result.status == 64, "\(result)")
        #expect(result.standardError.contains("opencl:N"), "\(result)")
        #expect(try folder.contents().isEmpty)
    }

    @Test("opencl:99 lists the devices that exist")
    func deviceOutOfRange() throws {
        try requireOpenCLDevice()
        try expectFailure(["--input", Self.fixture.path("input.npy"), "--device", "opencl:99"], expected: "opencl:0")
    }

    /// A minimal int64 .npy file (version 1.0, C order) written by hand.
    static func writeInt64(_ values: [Int], to url: URL) throws {
        var header = "{'descr': '<i8', 'fortran_order': False, 'shape': (\(values.count),), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for value in values {
            withUnsafeBytes(of: Int64(value).littleEndian) { data.append(contentsOf: $0) }
        }
        try data.write(to: url)
    }
}
