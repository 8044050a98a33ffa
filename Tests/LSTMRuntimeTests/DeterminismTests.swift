// The same inputs give bitwise the same outputs: twice on one engine and on two fresh engines.
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("Determinism")
struct DeterminismTests {
    static let configuration = LSTMConfiguration(inputSize: 13, hiddenSize: 37, layerCount: 2, bidirectional: true)

    @Test("repeated and fresh-engine runs are bitwise identical", arguments: ["cpu", "opencl"])
    func bitwiseRepeatable(device: String) throws {
        let selection = try DeviceSelection(parsing: device)
        if selection != .cpu { _ = try Device.first() }
        let model = try LSTMModel.random(Self.configuration, seed: 41)
        let input = SeededInputs.inputWithLengths(Self.configuration, steps: 9, batch: 5, seed: 42)

        let engine = try LSTMEngine(model: model, device: selection, options: quietOptions)
        let first = try engine.forward(input)
        let second = try engine.forward(input)
        let fresh = try LSTMEngine(model: model, device: selection, options: quietOptions).forward(input)
        expectBitwiseEqual(second, first, "second run on the same engine")
        expectBitwiseEqual(fresh, first, "run on a fresh engine")
        #expect(first.output.values.contains { $0 != 0 }, "an all-zero output would pass trivially")
    }
}
