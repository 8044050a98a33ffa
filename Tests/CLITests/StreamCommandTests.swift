// `lstm stream` through real pipes: frames written in pieces get their outputs back before
// the input is closed, the whole stream is bitwise what `lstm run` gives on the same device,
// and a trailing partial frame fails with no state files.
import Foundation
import LSTMCore
import LSTMFormats
import LSTMTestSupport
import Testing

@Suite("lstm stream")
struct StreamCommandTests {
    /// One-direction cases: a stacked LSTM with h0/c0, and a GRU with h0.
    static let cases = ["torch-stacked", "torch-gru-stacked"]

    static func bytes(_ values: ArraySlice<Float>) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func floats(_ data: Data) -> [Float] {
        stride(from: 0, to: data.count, by: 4).map { offset in
            Float(bitPattern: data[offset..<offset + 4].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) })
        }
    }

    /// Reads exactly `count` bytes from `handle`, or fails when the pipe closes first.
    static func read(_ count: Int, from handle: FileHandle) throws -> Data {
        var data = Data()
        while data.count < count {
            guard let piece = try handle.read(upToCount: count - data.count), !piece.isEmpty else {
                throw TestFailure("output ended after \(data.count) of \(count) bytes")
            }
            data.append(piece)
        }
        return data
    }

    @Test("pieces in, outputs out before the input closes, bitwise lstm run", arguments: ["cpu", "opencl"], cases)
    func streamEqualsRun(device: String, name: String) throws {
        if device == "opencl" { try requireOpenCLDevice() }
        let fixture = CLIFixture(name: name)
        let input = try NumpyFile.readFloats(contentsOf: URL(fileURLWithPath: fixture.path("input.npy")))
        let (steps, batch, width) = (input.shape[0], input.shape[1], input.shape[2])
        let folder = try TemporaryFolder()
        var runArguments = ["run", "--weights", fixture.path("model.safetensors"), "--input", fixture.path("input.npy"),
                            "--output", folder.file("run.npy").path, "--device", device]
        var streamArguments = ["stream", "--weights", fixture.path("model.safetensors"), "--batch", "\(batch)",
                               "--device", device, "--h-n", folder.file("h_n.npy").path, "--max-chunk", "2"]
        if fixture.has("h0.npy") {
            runArguments += ["--h0", fixture.path("h0.npy")]
            streamArguments += ["--h0", fixture.path("h0.npy")]
        }
        let run = try LSTMBinary.run(runArguments)
        try #require(run.status == 0, "\(run)")
        let expected = try NumpyFile.readFloats(contentsOf: folder.file("run.npy"))

        let process = Process()
        process.executableURL = try LSTMBinary.locate()
        process.arguments = streamArguments
        let stdin = Pipe(), stdout = Pipe()
        let stderrFile = folder.file("stderr")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        let frame = batch * width
        let outputFrame = expected.values.count / steps * 4
        var received: [Float] = []
        var sent = 0
        for piece in [1, 3, 1] where sent < steps {
            let count = min(piece, steps - sent)
            // Split the piece's bytes in two writes, the first ending inside a frame.
            let data = Self.bytes(input.values[(sent * frame)..<((sent + count) * frame)])
            stdin.fileHandleForWriting.write(data.prefix(6))
            Thread.sleep(forTimeInterval: 0.05)
            stdin.fileHandleForWriting.write(data.dropFirst(6))
            received += Self.floats(try Self.read(count * outputFrame, from: stdout.fileHandleForReading))
            sent += count
        }
        stdin.fileHandleForWriting.write(Self.bytes(input.values[(sent * frame)...]))
        try stdin.fileHandleForWriting.close()
        received += Self.floats(stdout.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        let messages = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(messages)")
        #expect(OutputComparison.firstDifference(received, expected.values) == nil, "\(name) on \(device)")
        let finalHidden = try NumpyFile.readFloats(contentsOf: folder.file("h_n.npy"))
        let expectedHidden = try NumpyFile.readFloats(contentsOf: URL(fileURLWithPath: fixture.path("h_n.npy")))
        #expect(TensorComparison(finalHidden, expectedHidden, tolerance: .external).passed)
    }

    @Test("a trailing partial frame exits 1 and writes no state file")
    func partialFrame() throws {
        let fixture = CLIFixture(name: "torch-gru-stacked")  // B=3, I=4: 48-byte frames
        let folder = try TemporaryFolder()
        let frames = try TemporaryFolder()
        let inputFile = frames.file("in.raw")
        try Data(count: 48 * 2 + 5).write(to: inputFile)
        let process = Process()
        process.executableURL = try LSTMBinary.locate()
        process.arguments = ["stream", "--weights", fixture.path("model.safetensors"), "--batch", "3", "--device", "cpu",
                             "--h-n", folder.file("h_n.npy").path]
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let messages = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(messages.contains("error: ") && messages.contains("inside a frame"), "\(messages)")
        #expect(output.count == 2 * 3 * 6 * 4)  // the two whole frames were answered
        #expect(try folder.contents().isEmpty)
    }

    @Test("--c0 for a GRU and a bidirectional model are clear errors")
    func refusals() throws {
        let gru = try LSTMBinary.run(["stream", "--weights", CLIFixture(name: "torch-gru-stacked").path("model.safetensors"),
                                      "--batch", "3", "--c0", CLIFixture(name: "numpy-basic").path("c0.npy")])
        #expect(gru.status == 1 && gru.standardError.contains("--c0"), "\(gru)")
        let bidirectional = try LSTMBinary.run([
            "stream", "--weights", CLIFixture(name: "torch-bidirectional").path("model.safetensors"), "--batch", "2", "--device", "cpu",
        ])
        #expect(bidirectional.status == 1 && bidirectional.standardError.contains("bidirectional"), "\(bidirectional)")
    }
}
