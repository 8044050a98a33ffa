// The README's Swift example, kept compiling and correct: load weights from a safetensors
// file, read an input .npy, forward, write the output .npy.
import Foundation
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("README example")
struct ReadmeExampleTests {
    @Test("the library example runs and matches the CPU reference")
    func libraryExample() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lstm-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = LSTMConfiguration(inputSize: 12, hiddenSize: 20, layerCount: 2)
        let model = try LSTMModel.random(configuration, seed: 91)
        try SafeTensors.write(model.stateDict(), to: folder.appendingPathComponent("lstm.safetensors"))
        var generator = SeededGenerator(seed: 92)
        try NumpyFile.write(generator.tensor([6, 3, 12]), to: folder.appendingPathComponent("x.npy"))

        // As in README.md (paths made absolute):
        let engine = try LSTMEngine(weightsAt: folder.appendingPathComponent("lstm.safetensors"), device: .auto,
                                    options: quietOptions)
        let input = try NumpyFile.readFloats(contentsOf: folder.appendingPathComponent("x.npy"))
        let result = try engine.forward(LSTMInput(sequence: input))
        try NumpyFile.write(result.output, to: folder.appendingPathComponent("y.npy"))

        #expect(result.output.shape == [6, 3, 20])
        #expect(result.finalHidden.shape == [2, 3, 20])
        #expect(result.finalCell?.shape == [2, 3, 20])
        let written = try NumpyFile.readFloats(contentsOf: folder.appendingPathComponent("y.npy"))
        #expect(written == result.output)
        let expected = try LSTMEngine(model: model, device: .cpu, options: quietOptions).forward(LSTMInput(sequence: input))
        let comparison = OutputComparison.compare(result, expected, tolerance: .float32)
        #expect(comparison.passed, "\(comparison)")
    }
}
