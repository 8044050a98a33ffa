// `lstm run` with GRU weights: the cell is detected from the tensors, c0 and c_n are refused
// with a clear error and no file, and h0 / h_n have the GRU's shapes.
import Foundation
import LSTMCore
import LSTMFormats
import LSTMTestSupport
import Testing

@Suite("lstm run with a GRU")
struct GRURunTests {
    static let fixture = CLIFixture(name: "torch-gru-bidirectional")  // T=4 B=2 I=5 H=8, h0 [2, 2, 8]

    private func run(_ extra: [String], in folder: TemporaryFolder) throws -> CommandResult {
        try LSTMBinary.run([
            "run", "--weights", Self.fixture.path("model.safetensors"), "--input", Self.fixture.path("input.npy"),
            "--output", folder.file("out.npy").path, "--device", "cpu",
        ] + extra)
    }

    @Test("--c0 and --c-n are refused, naming the cell, and nothing is written", arguments: ["--c0", "--c-n"])
    func cellStateFlagsRefused(flag: String) throws {
        let folder = try TemporaryFolder()
        let path = flag == "--c0" ? CLIFixture(name: "numpy-basic").path("c0.npy") : folder.file("c_n.npy").path
        let result = try run([flag, path], in: folder)
        #expect(result.status == 1, "\(result)")
        #expect(result.standardError.hasPrefix("error: "), "\(result)")
        #expect(result.standardError.contains(flag) && result.standardError.contains("GRU"), "\(result)")
        #expect(try folder.contents().isEmpty)
    }

    @Test("h_n is [D·L, B, H] and matches the fixture")
    func finalHidden() throws {
        let folder = try TemporaryFolder()
        let result = try run(["--h0", Self.fixture.path("h0.npy"), "--h-n", folder.file("h_n.npy").path], in: folder)
        try #require(result.status == 0, "\(result)")
        let written = try NumpyFile.readFloats(contentsOf: folder.file("h_n.npy"))
        #expect(written.shape == [2, 2, 8])
        let expected = try NumpyFile.readFloats(contentsOf: URL(fileURLWithPath: Self.fixture.path("h_n.npy")))
        #expect(TensorComparison(written, expected, tolerance: .external).passed)
        #expect(try folder.contents() == ["h_n.npy", "out.npy"])
    }
}
