// NaN inputs propagate (NaN in, NaN out) without touching the other sequences, and f16 weight
// storage stays within its stated tolerance of the fp32 reference.
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("Numerics through the engine")
struct NumericsTests {
    static let configuration = LSTMConfiguration(inputSize: 6, hiddenSize: 17, layerCount: 2, bidirectional: true)

    @Test("a NaN in one sequence makes that sequence NaN and leaves the others finite", arguments: ["cpu", "opencl"])
    func nanPropagates(device: String) throws {
        let selection = try DeviceSelection(parsing: device)
        if selection != .cpu { _ = try Device.first() }
        let (steps, batch, width) = (4, 3, 2 * 17)
        var input = SeededInputs.inputWithLengths(Self.configuration, steps: steps, batch: batch, seed: 71)
        input.lengths = nil
        input.sequence.values[(2 * batch + 1) * Self.configuration.inputSize] = .nan  // t = 2, sequence 1
        let model = try LSTMModel.random(Self.configuration, seed: 72)
        let output = try LSTMEngine(model: model, device: selection, options: quietOptions).forward(input).output
        for t in 0..<steps {
            for b in 0..<batch {
                let row = output.values[((t * batch + b) * width)..<((t * batch + b + 1) * width)]
                if b == 1 {
                    #expect(row.contains { $0.isNaN }, "t=\(t): sequence 1 should carry the NaN")
                } else {
                    #expect(row.allSatisfy { $0.isFinite }, "t=\(t) b=\(b): NaN leaked into another sequence")
                }
            }
        }
    }

    @Test("f16 weights stay within the f16 tolerance of the reference")
    func halfPrecisionWeights() throws {
        _ = try Device.first()
        let model = try LSTMModel.random(Self.configuration, seed: 73)
        let input = SeededInputs.inputWithLengths(Self.configuration, steps: 5, batch: 4, seed: 74)
        let expected = try LSTMEngine(model: model, device: .cpu, options: quietOptions).forward(input)
        let options = EngineOptions(weightPrecision: .float16, notice: { _ in })
        let got = try LSTMEngine(model: model, device: .opencl(index: nil), options: options).forward(input)
        let comparison = OutputComparison.compare(got, expected, tolerance: .float16Weights)
        #expect(comparison.passed, "\(comparison)")
        #expect(comparison.maxAbsoluteError > 0, "f16 storage should differ from the fp32 reference somewhere")
    }
}
