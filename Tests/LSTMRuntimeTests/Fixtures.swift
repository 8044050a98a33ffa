// Reading the reference cases in Tests/Fixtures (made by NumPy, PyTorch and onnxruntime),
// located from this file's path so no bundle resources are needed.
import Foundation
import LSTMRuntime
import Testing

/// One folder of Tests/Fixtures: the model, the input and the expected outputs.
struct Fixture: CustomStringConvertible {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every case folder (those with a case.json), sorted by name.
    static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).appendingPathComponent("case.json").path) }.sorted()
    }()

    let name: String
    let model: LSTMModel
    let input: LSTMInput
    let expected: LSTMOutput

    var description: String { name }

    init(_ name: String) throws {
        self.name = name
        let base = Self.folder.appendingPathComponent(name)
        func file(_ file: String) -> URL { base.appendingPathComponent(file) }
        func optional(_ name: String) throws -> Tensor? {
            FileManager.default.fileExists(atPath: file(name).path) ? try NumpyFile.readFloats(contentsOf: file(name)) : nil
        }
        let description = try JSONSerialization.jsonObject(with: Data(contentsOf: file("case.json"))) as? [String: Any]
        let lengths = FileManager.default.fileExists(atPath: file("lengths.npy").path)
            ? try NumpyFile.readIntegers(contentsOf: file("lengths.npy")).values : nil
        model = try LSTMModel(stateDict: SafeTensors.read(contentsOf: file("model.safetensors")))
        input = LSTMInput(
            sequence: try NumpyFile.readFloats(contentsOf: file("input.npy")),
            initialHidden: try optional("h0.npy"), initialCell: try optional("c0.npy"), lengths: lengths,
            batchFirst: description?["batch_first"] as? Bool ?? false)
        expected = LSTMOutput(
            output: try NumpyFile.readFloats(contentsOf: file("output.npy")),
            finalHidden: try NumpyFile.readFloats(contentsOf: file("h_n.npy")),
            finalCell: try NumpyFile.readFloats(contentsOf: file("c_n.npy")))
    }
}

/// A failure message thrown from test helpers.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Output, h_n and c_n compared with `tolerance`, merged into one verdict.
func compare(_ got: LSTMOutput, _ expected: LSTMOutput, tolerance: Tolerance) -> TensorComparison {
    TensorComparison(merging: [
        TensorComparison(got.output, expected.output, tolerance: tolerance),
        TensorComparison(got.finalHidden, expected.finalHidden, tolerance: tolerance),
    ] + cellStateComparison(got.finalCell, expected.finalCell, tolerance: tolerance), tolerance: tolerance)
}

/// c_n compared when either side has one: a c_n on one side only fails (shape [0] against its shape).
func cellStateComparison(_ got: Tensor?, _ expected: Tensor?, tolerance: Tolerance) -> [TensorComparison] {
    guard got != nil || expected != nil else { return [] }
    let absent = Tensor(repeating: 0, shape: [0])
    return [TensorComparison(got ?? absent, expected ?? absent, tolerance: tolerance)]
}

/// A seeded random input with initial states and unsorted lengths (first 1, second T).
func randomInput(_ configuration: LSTMConfiguration, steps: Int, batch: Int, seed: UInt64) -> LSTMInput {
    var generator = SeededGenerator(seed: seed)
    let states = configuration.layerCount * configuration.directionCount
    var lengths = (0..<batch).map { _ in Int.random(in: 1...steps, using: &generator) }
    if batch > 1 { lengths[0] = 1; lengths[1] = steps }
    return LSTMInput(
        sequence: generator.tensor([steps, batch, configuration.inputSize]),
        initialHidden: generator.tensor([states, batch, configuration.outputSize]),
        initialCell: configuration.hasCellState ? generator.tensor([states, batch, configuration.hiddenSize]) : nil,
        lengths: lengths)
}

/// Engine options that keep notices out of the test log.
let quietOptions = EngineOptions(notice: { _ in })

/// `nil` when the arrays are bitwise equal, else where and how they first differ.
func firstDifference(_ got: [Float], _ expected: [Float]) -> String? {
    guard got.count == expected.count else { return "\(got.count) values, expected \(expected.count)" }
    let differing = got.indices.filter { got[$0].bitPattern != expected[$0].bitPattern }
    guard let first = differing.first else { return nil }
    return "\(differing.count) of \(got.count) values differ; first at \(first): \(got[first]) vs \(expected[first])"
}

/// Expects output, h_n and c_n to be bitwise equal (NaN payloads and signed zeros included).
func expectBitwiseEqual(_ got: LSTMOutput, _ expected: LSTMOutput, _ context: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect((got.finalCell == nil) == (expected.finalCell == nil), "\(context): c_n present on one side only",
            sourceLocation: sourceLocation)
    var pairs = [("output", got.output, expected.output), ("h_n", got.finalHidden, expected.finalHidden)]
    if let gotCell = got.finalCell, let expectedCell = expected.finalCell { pairs.append(("c_n", gotCell, expectedCell)) }
    for (name, a, b) in pairs {
        #expect(a.shape == b.shape, "\(context): \(name) shape", sourceLocation: sourceLocation)
        let difference = firstDifference(a.values, b.values)
        #expect(difference == nil, "\(context): \(name): \(difference ?? "")", sourceLocation: sourceLocation)
    }
}
