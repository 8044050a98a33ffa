// The reference cases in Tests/Fixtures (made by NumPy, PyTorch and onnxruntime), located
// from this file's path so no bundle resources are needed.
import Foundation
import LSTMCore
import LSTMFormats

/// One folder of Tests/Fixtures: the model, the input and the expected outputs.
public struct FixtureCase: CustomStringConvertible, Sendable {
    /// Tests/Fixtures.
    public static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every case folder (those with a case.json), sorted by name.
    public static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).appendingPathComponent("case.json").path)
        }.sorted()
    }()

    public let name: String
    public let model: LSTMModel
    public let input: LSTMInput
    public let expected: LSTMOutput
    /// case.json's `linear_before_reset` (GRU; `true` when absent): a state dict cannot carry
    /// it, so a case with `false` is not reproducible from its safetensors file alone.
    public let linearBeforeReset: Bool

    public var description: String { name }

    /// The case folder.
    public var base: URL { Self.folder.appendingPathComponent(name) }

    /// The path of one of the case's files.
    public func path(_ file: String) -> String { base.appendingPathComponent(file).path }

    /// Whether the case has `file`.
    public func has(_ file: String) -> Bool { FileManager.default.fileExists(atPath: path(file)) }

    public init(_ name: String) throws {
        self.name = name
        let base = Self.folder.appendingPathComponent(name)
        func file(_ file: String) -> URL { base.appendingPathComponent(file) }
        func optional(_ name: String) throws -> Tensor? {
            FileManager.default.fileExists(atPath: file(name).path) ? try NumpyFile.readFloats(contentsOf: file(name)) : nil
        }
        let description = try JSONSerialization.jsonObject(with: Data(contentsOf: file("case.json"))) as? [String: Any]
        let lengths = FileManager.default.fileExists(atPath: file("lengths.npy").path)
            ? try NumpyFile.readIntegers(contentsOf: file("lengths.npy")).values : nil
        linearBeforeReset = description?["linear_before_reset"] as? Bool ?? true
        let loaded = try LSTMModel(stateDict: SafeTensors.read(contentsOf: file("model.safetensors")))
        var configuration = loaded.configuration
        configuration.linearBeforeReset = linearBeforeReset
        model = try LSTMModel(configuration: configuration, layers: loaded.layers)
        input = LSTMInput(
            sequence: try NumpyFile.readFloats(contentsOf: file("input.npy")),
            initialHidden: try optional("h0.npy"), initialCell: try optional("c0.npy"), lengths: lengths,
            batchFirst: description?["batch_first"] as? Bool ?? false)
        expected = LSTMOutput(
            output: try NumpyFile.readFloats(contentsOf: file("output.npy")),
            finalHidden: try NumpyFile.readFloats(contentsOf: file("h_n.npy")),
            finalCell: try optional("c_n.npy"))
    }
}
