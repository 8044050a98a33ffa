// `lstm run` against malformed files, legitimately unusual files, a broken kernel build and
// repeated processes: every failure is a clear message and a non-zero exit with no output
// file; every legitimate input gives the right answer.
import Foundation
import LSTMTestSupport
import LSTMCore
import LSTMFormats
import Testing

@Suite("lstm run robustness")
struct RobustnessTests {
    static let fixture = CLIFixture(name: "numpy-basic")  // T=5 B=3 I=4 H=6, with h0/c0

    /// Runs the basic fixture with `weights`/`input` replaced, into a fresh folder.
    private func run(weights: String? = nil, input: String? = nil, device: String = "cpu",
                     environment: [String: String] = [:], folder: TemporaryFolder) throws -> CommandResult {
        try LSTMBinary.run([
            "run", "--weights", weights ?? Self.fixture.path("model.safetensors"),
            "--input", input ?? Self.fixture.path("input.npy"),
            "--h0", Self.fixture.path("h0.npy"), "--c0", Self.fixture.path("c0.npy"),
            "--output", folder.file("output.npy").path, "--h-n", folder.file("h_n.npy").path,
            "--c-n", folder.file("c_n.npy").path, "--device", device,
        ], environment: environment)
    }

    private func expectCleanFailure(_ result: CommandResult, mentioning text: String, folder: TemporaryFolder,
                                    keeping inputs: [String] = []) throws {
        #expect(result.status == 1, "\(result)")
        #expect(result.standardError.contains(text), "\(result)")
        #expect(!result.standardError.contains("Fatal error"), "\(result)")
        let contents = try folder.contents()
        #expect(contents == inputs.sorted(), "outputs left behind: \(contents)")
    }

    static let malformedWeights: [(name: String, bytes: [UInt8], message: String)] = {
        func header(_ json: String, data: [UInt8] = []) -> [UInt8] {
            let bytes = Array(json.utf8)
            return withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init) + bytes + data
        }
        return [
            ("shorter than its length field", [1, 2, 3], "safetensors"),
            ("header length past the end", withUnsafeBytes(of: UInt64(5000).littleEndian, Array.init) + Array("{}".utf8), "5000"),
            ("absurd header length", withUnsafeBytes(of: UInt64.max.littleEndian, Array.init), "header"),
            ("header that is not JSON", header("not json at all"), "header"),
            ("reversed data offsets", header(#"{"weight_ih_l0":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]), "weight_ih_l0"),
            ("offsets out of range", header(#"{"weight_ih_l0":{"dtype":"F32","shape":[1],"data_offsets":[0,400]}}"#, data: [0, 0, 0, 0]), "weight_ih_l0"),
            ("shape that does not match its bytes", header(#"{"weight_ih_l0":{"dtype":"F32","shape":[3],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "weight_ih_l0"),
            ("shape that overflows", header(#"{"weight_ih_l0":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "weight_ih_l0"),
            ("unknown dtype", header(#"{"weight_ih_l0":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "Q7"),
        ]
    }()

    @Test("malformed safetensors: clear error, non-zero exit, no output", arguments: malformedWeights.indices)
    func malformedSafetensors(index: Int) throws {
        let (_, bytes, message) = Self.malformedWeights[index]
        let folder = try TemporaryFolder()
        try Data(bytes).write(to: folder.file("bad.safetensors"))
        let result = try run(weights: folder.file("bad.safetensors").path, folder: folder)
        try expectCleanFailure(result, mentioning: message, folder: folder, keeping: ["bad.safetensors"])
    }

    static let malformedInputs: [(name: String, bytes: [UInt8], message: String)] = {
        func npy(_ header: String, data: [UInt8]) -> [UInt8] { numpyFile(header: header, data: data) }
        let floats = [UInt8](repeating: 0, count: 5 * 3 * 4 * 4)
        return [
            ("bad magic", Array("NOTNUMPY".utf8) + floats, "magic"),
            ("truncated data", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 3, 4), }", data: Array(floats.prefix(17))), "truncated"),
            ("garbage header", npy("{'descr': <f4 'shape' ((", data: floats), "header"),
            ("integer dtype", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (5, 3, 4), }", data: floats), "<i4"),
            ("wrong rank", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (15, 4), }", data: floats), "3 dimensions"),
            ("absurd dimensions", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }", data: floats), "overflows"),
        ]
    }()

    @Test("malformed .npy input: clear error, non-zero exit, no output", arguments: malformedInputs.indices)
    func malformedNumpy(index: Int) throws {
        let (_, bytes, message) = Self.malformedInputs[index]
        let folder = try TemporaryFolder()
        try Data(bytes).write(to: folder.file("bad.npy"))
        let result = try run(input: folder.file("bad.npy").path, folder: folder)
        try expectCleanFailure(result, mentioning: message, folder: folder, keeping: ["bad.npy"])
    }

    @Test("Fortran-order, big-endian and float64 inputs give the right answer", arguments: ["cpu", "opencl"])
    func unusualButValidInputs(device: String) throws {
        let input = try NumpyFile.readFloats(contentsOf: URL(fileURLWithPath: Self.fixture.path("input.npy")))
        let (t, b, i) = (input.shape[0], input.shape[1], input.shape[2])
        var fortran: [UInt8] = []  // column-major float32: index (x, y, z) at x + t*(y + b*z)
        var bigEndian: [UInt8] = []
        var doubles: [UInt8] = []
        for z in 0..<i { for y in 0..<b { for x in 0..<t {
            fortran += withUnsafeBytes(of: input.values[(x * b + y) * i + z].bitPattern.littleEndian, Array.init)
        } } }
        for value in input.values {
            bigEndian += withUnsafeBytes(of: value.bitPattern.bigEndian, Array.init)
            doubles += withUnsafeBytes(of: Double(value).bitPattern.littleEndian, Array.init)
        }
        func npy(_ descr: String, fortranOrder: Bool, _ data: [UInt8]) -> Data {
            Data(numpyFile(header: "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': (\(t), \(b), \(i)), }", data: data))
        }
        for (name, data) in [("fortran", npy("<f4", fortranOrder: true, fortran)), ("big-endian", npy(">f4", fortranOrder: false, bigEndian)),
                             ("float64", npy("<f8", fortranOrder: false, doubles))] {
            let folder = try TemporaryFolder()
            try data.write(to: folder.file("x.npy"))
            let result = try run(input: folder.file("x.npy").path, device: device, folder: folder)
            #expect(result.status == 0, "\(name): \(result)")
            let comparison = try Self.fixture.compareOutputs(in: folder, tolerance: .external)
            #expect(comparison.passed, "\(name): \(comparison)")
        }
    }

    @Test("NaN weights propagate to NaN outputs on both backends", arguments: ["cpu", "opencl"])
    func nanWeights(device: String) throws {
        var tensors = try SafeTensors.read(contentsOf: URL(fileURLWithPath: Self.fixture.path("model.safetensors")))
        let original = try #require(tensors["weight_hh_l0"])
        var values = original.values
        values[0] = .nan  // the input gate of unit 0 reads h[0]: NaN spreads from step 2 on
        tensors["weight_hh_l0"] = try Tensor(shape: original.shape, values: values)
        let folder = try TemporaryFolder()
        try SafeTensors.write(tensors, to: folder.file("nan.safetensors"))
        let result = try run(weights: folder.file("nan.safetensors").path, device: device, folder: folder)
        #expect(result.status == 0, "\(result)")
        let output = try NumpyFile.readFloats(contentsOf: folder.file("output.npy"))
        #expect(output.values.contains { $0.isNaN }, "NaN weights must give NaN outputs, as in PyTorch")
    }

    @Test("a kernel that does not compile fails with the build log")
    func kernelBuildFailureShowsLog() throws {
        try requireOpenCLDevice()
        let kernels = try TemporaryFolder()
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Kernels")
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where file.hasSuffix(".cl") {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: kernels.file(file))
        }
        let step = kernels.file("lstm_step.cl")
        try (String(contentsOf: step, encoding: .utf8) + "\n__kernel void broken(void) { this_symbol_is_undefined = 1; }\n")
            .write(to: step, atomically: true, encoding: .utf8)
        let folder = try TemporaryFolder()
        let result = try run(device: "opencl", environment: ["LSTM_KERNEL_DIR": kernels.url.path, "LSTM_CACHE_DIR": "off"], folder: folder)
        try expectCleanFailure(result, mentioning: "CL_BUILD_PROGRAM_FAILURE", folder: folder)
        #expect(result.standardError.contains("this_symbol_is_undefined"), "the build log must be shown: \(result)")
    }

    @Test("two processes give bitwise-identical outputs", arguments: ["cpu", "opencl"])
    func crossProcessDeterminism(device: String) throws {
        let fixture = CLIFixture(name: "torch-packed-lengths")
        let first = try TemporaryFolder()
        let second = try TemporaryFolder()
        for folder in [first, second] {
            let result = try LSTMBinary.run(fixture.runArguments(device: device, into: folder))
            #expect(result.status == 0, "\(result)")
        }
        for file in ["output.npy", "h_n.npy", "c_n.npy"] {
            #expect(try Data(contentsOf: first.file(file)) == Data(contentsOf: second.file(file)), "\(file) differs between processes")
        }
    }
}

/// A version-1.0 .npy file with the given header dictionary text and raw data bytes,
/// padded as NumPy pads it (magic, length and header a multiple of 64 bytes).
private func numpyFile(header: String, data: [UInt8]) -> [UInt8] {
    var text = header
    while (10 + text.utf8.count + 1) % 64 != 0 { text += " " }
    text += "\n"
    let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
    return magic + withUnsafeBytes(of: UInt16(text.utf8.count).littleEndian, Array.init) + Array(text.utf8) + data
}
