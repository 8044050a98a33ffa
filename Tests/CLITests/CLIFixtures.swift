// The reference cases in Tests/Fixtures, seen as command lines for `lstm run`.
import Foundation
import LSTMTestSupport
import LSTMCore
import LSTMFormats
import LSTMTestSupport

/// One fixture folder (``FixtureCase``) and the `lstm run` arguments that reproduce it.
struct CLIFixture {
    /// The cases `lstm run` can reproduce from their files: a GRU whose reset comes before
    /// W_hn (ONNX's form) is not expressible in a state dict, so only LSTMEngine tests run it.
    static let names: [String] = FixtureCase.names.filter { CLIFixture(name: $0).description["linear_before_reset"] as? Bool ?? true }

    let name: String
    var base: URL { FixtureCase.folder.appendingPathComponent(name) }

    func path(_ file: String) -> String { base.appendingPathComponent(file).path }
    func has(_ file: String) -> Bool { FileManager.default.fileExists(atPath: path(file)) }

    /// The case's case.json.
    var description: [String: Any] {
        let data = (try? Data(contentsOf: base.appendingPathComponent("case.json"))) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    var batchFirst: Bool { description["batch_first"] as? Bool ?? false }

    /// The outputs the case expects: output, h_n and, for an LSTM, c_n.
    var outputFiles: [String] { ["output.npy", "h_n.npy"] + (has("c_n.npy") ? ["c_n.npy"] : []) }

    /// `run` arguments writing the expected outputs' files into `folder`.
    func runArguments(device: String, into folder: TemporaryFolder) -> [String] {
        var arguments = [
            "run", "--weights", path("model.safetensors"), "--input", path("input.npy"),
            "--output", folder.file("output.npy").path, "--h-n", folder.file("h_n.npy").path, "--device", device,
        ]
        if has("c_n.npy") { arguments += ["--c-n", folder.file("c_n.npy").path] }
        if has("h0.npy") { arguments += ["--h0", path("h0.npy")] }
        if has("c0.npy") { arguments += ["--c0", path("c0.npy")] }
        if has("lengths.npy") { arguments += ["--lengths", path("lengths.npy")] }
        if batchFirst { arguments.append("--batch-first") }
        return arguments
    }

    /// Compares the written files with the expected ones.
    func compareOutputs(in folder: TemporaryFolder, tolerance: Tolerance) throws -> TensorComparison {
        let parts = try outputFiles.map { file in
            TensorComparison(
                try NumpyFile.readFloats(contentsOf: folder.file(file)),
                try NumpyFile.readFloats(contentsOf: base.appendingPathComponent(file)), tolerance: tolerance)
        }
        return TensorComparison(merging: parts, tolerance: tolerance)
    }
}

/// Fails unless `lstm devices` lists an OpenCL device (CI or not): the OpenCL tests must
/// never pass by not running.
func requireOpenCLDevice() throws {
    let listing = try LSTMBinary.run(["devices"])
    guard listing.status == 0, listing.standardOutput.contains("opencl:0") else {
        let context = ProcessInfo.processInfo.environment["CI"] != nil ? " (CI is set: OpenCL tests must run)" : ""
        throw TestFailure("no OpenCL device found\(context): install pocl-opencl-icd (apt-get install pocl-opencl-icd)")
    }
}
