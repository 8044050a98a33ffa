// CPUReference against the independent NaiveLSTM on seeded random models of every variant
// and combination: depth, directions, projection, peepholes, biases, lengths, layout, states.
import LSTMTestSupport
import Testing
import LSTMCore

/// One combination of variant switches and sizes.
struct VariantCase: Sendable, CustomTestStringConvertible {
    var configuration: LSTMConfiguration
    var steps: Int
    var batch: Int
    var unsortedLengths: Bool
    var batchFirst: Bool
    var withStates: Bool
    var seed: UInt64

    var testDescription: String {
        var text = "\(describe(configuration)) T\(steps) B\(batch)"
        if unsortedLengths { text += " lengths" }
        if batchFirst { text += " batch-first" }
        if withStates { text += " h0c0" }
        return text
    }

    /// Every combination of the seven switches for 1, 2 and 3 layers (384 cases), with
    /// (H, I) cycling through {1, 3, 37}² and T, B varying, so each size meets every switch.
    static let all: [VariantCase] = {
        let sizes = [1, 3, 37]
        var cases: [VariantCase] = []
        for layers in 1...3 {
            for switches in 0..<128 {
                let index = (layers - 1) * 128 + switches
                let flag = { (bit: Int) in switches & (1 << bit) != 0 }
                var hiddenSize = sizes[index % 3]
                let inputSize = sizes[(index / 3) % 3]
                let projected = flag(1)
                if projected && hiddenSize == 1 { hiddenSize = 3 }  // PyTorch needs P < H
                let configuration = LSTMConfiguration(
                    inputSize: inputSize, hiddenSize: hiddenSize,
                    projectionSize: projected ? (hiddenSize == 37 ? 7 : hiddenSize - 1) : 0,
                    layerCount: layers, bidirectional: flag(0), hasBias: !flag(3), hasPeepholes: flag(2))
                cases.append(VariantCase(
                    configuration: configuration, steps: 1 + index % 5, batch: 1 + (index / 5) % 4,
                    unsortedLengths: flag(4), batchFirst: flag(5), withStates: flag(6),
                    seed: UInt64(1000 + index)))
            }
        }
        return cases
    }()
}

@Suite("CPU reference agrees with an independent naive LSTM")
struct ReferenceAgreementTests {
    @Test(arguments: VariantCase.all)
    func agreesWithNaiveImplementation(_ variant: VariantCase) throws {
        let model = try LSTMModel.random(variant.configuration, seed: variant.seed)
        let lengths = variant.unsortedLengths
            ? SeededInputs.unsortedLengths(steps: variant.steps, batch: variant.batch, seed: variant.seed) : nil
        let input = SeededInputs.input(
            variant.configuration, steps: variant.steps, batch: variant.batch, seed: variant.seed &+ 1,
            lengths: lengths, batchFirst: variant.batchFirst, withStates: variant.withStates)

        let got = try referenceForward(model, input)
        let expected = NaiveLSTM(model).forward(input)

        let configuration = variant.configuration
        let states = configuration.layerCount * configuration.directionCount
        let width = configuration.directionCount * configuration.outputSize
        let outputShape = variant.batchFirst
            ? [variant.batch, variant.steps, width] : [variant.steps, variant.batch, width]
        #expect(got.output.shape == outputShape)
        #expect(got.finalHidden.shape == [states, variant.batch, configuration.outputSize])
        #expect(got.finalCell?.shape == [states, variant.batch, configuration.hiddenSize])
        expectClose(got.output, expected.output, "output")
        expectClose(got.finalHidden, expected.finalHidden, "h_n")
        expectClose(try #require(got.finalCell), expected.finalCell, "c_n")
    }

    /// Within Tolerance.float32, and in fact within Float rounding of the Double result.
    private func expectClose(_ got: Tensor, _ expected: [Double], _ what: String) {
        #expect(got.count == expected.count, "\(what): \(got.count) values, expected \(expected.count)")
        guard got.count == expected.count else { return }
        var worst = 0.0
        var outside = 0
        for (value, reference) in zip(got.values, expected) {
            let error = abs(Double(value) - reference)
            worst = max(worst, error.isNaN ? .infinity : error)
            if !Tolerance.float32.accepts(Double(value), reference: reference) { outside += 1 }
        }
        #expect(outside == 0, "\(what): \(outside) values outside \(Tolerance.float32)")
        #expect(worst <= 1e-6, "\(what): max abs error \(worst)")
    }
}
