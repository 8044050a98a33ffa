// The reference cases in Tests/Fixtures, seen as command lines for `lstm run`.
import Foundation
import LSTMCore
import LSTMFormats

/// One fixture folder and the `lstm run` arguments that reproduce it.
struct CLIFixture {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/case.json").path) }.sorted()
    }()

    let name: String
    var base: URL { Self.folder.appendingPathComponent(name) }

    func path(_ file: String) -> String { base.appendingPathComponent(file).path }
    func has(_ file: String) -> Bool { FileManager.default.fileExists(atPath: path(file)) }

    var batchFirst: Bool {
        let data = (try? Data(contentsOf: base.appendingPathComponent("case.json"))) ?? Data()
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return object?["batch_first"] as? Bool ?? false
    }

    /// `run` arguments writing output.npy, h_n.npy and c_n.npy into `folder`.
    func runArguments(device: String, into folder: TemporaryFolder) -> [String] {
        var arguments = [
            "run", "--weights", path("model.safetensors"), "--input", path("input.npy"),
            "--output", folder.file("output.npy").path, "--h-n", folder.file("h_n.npy").path,
            "--c-n", folder.file("c_n.npy").path, "--device", device,
        ]
        if has("h0.npy") { arguments += ["--h0", path("h0.npy")] }
        if has("c0.npy") { arguments += ["--c0", path("c0.npy")] }
        if has("lengths.npy") { arguments += ["--lengths", path("lengths.npy")] }
        if batchFirst { arguments.append("--batch-first") }
        return arguments
    }

    /// Compares the three written files with the expected ones.
    func compareOutputs(in folder: TemporaryFolder, tolerance: Tolerance) throws -> TensorComparison {
        let parts = try ["output.npy", "h_n.npy", "c_n.npy"].map { file in
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
        throw CLITestFailure("no OpenCL device found\(context): install pocl-opencl-icd (apt-get install pocl-opencl-icd)")
    }
}
