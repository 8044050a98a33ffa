// Streaming and GRU at every vector width: a stream's batch fixes its batch class, hence
// its tuning and the width its cell state is padded to, so a stream fed in pieces must give
// bitwise the one-pass result whichever width each class runs; and the GRU kernels, like the
// LSTM's, give bitwise the same results at every width and tile.
import LSTMCore
import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("Vector widths: streaming and GRU")
struct VectorWidthStreamingTests {
    static let configurations = [
        LSTMConfiguration(inputSize: 5, hiddenSize: 19, projectionSize: 6, layerCount: 2, hasPeepholes: true),
        LSTMConfiguration(cell: .gru, inputSize: 6, hiddenSize: 21, layerCount: 2),
        LSTMConfiguration(cell: .gru, inputSize: 4, hiddenSize: 9, linearBeforeReset: false),
    ]

    /// Each batch class gets each width once over the three rotations.
    static func tunings(rotation: Int) -> [BatchClass: KernelTuning] {
        let widths = WeightPacking.supportedBlockWidths
        let classes: [BatchClass] = [.single, .small, .large]
        var tunings: [BatchClass: KernelTuning] = [:]
        for (index, batchClass) in classes.enumerated() {
            tunings[batchClass] = KernelTuning(vectorWidth: widths[(index + rotation) % widths.count])
        }
        return tunings
    }

    @Test("a stream fed in pieces is bitwise one pass at every width and batch class",
          arguments: configurations.indices, 0..<3)
    func streamingEqualsOnePass(index: Int, rotation: Int) throws {
        let configuration = Self.configurations[index]
        let backend = try OpenCLBackend(
            model: try LSTMModel.random(configuration, seed: 300 + UInt64(index)), device: try Device.first(),
            options: OpenCLBackendOptions(tunings: Self.tunings(rotation: rotation)))
        for batch in [1, 5, 33] {
            let steps = 9
            let (_, problem) = try ReferenceCase(configuration, steps: steps, batch: batch, lengths: false, states: true)
                .make(seed: 310 + UInt64(batch))
            let whole = try backend.run(problem)
            let state = try backend.makeStreamState(
                batch: batch, initialHidden: problem.initialHidden, initialCell: problem.initialCell)
            var outputs: [Float] = []
            var done = 0
            for count in [1, 3, 2, 3] {
                let frame = batch * configuration.inputSize
                outputs += try backend.feed(
                    Array(problem.sequence[(done * frame)..<((done + count) * frame)]), steps: count, state: state)
                done += count
            }
            let (hidden, cell) = try backend.readStreamState(state)
            let width = backend.tuning(forBatch: batch).vectorWidth
            #expect(outputs.map(\.bitPattern) == whole.output.map(\.bitPattern), "output, batch \(batch), VEC \(width)")
            #expect(hidden.map(\.bitPattern) == whole.finalHidden.map(\.bitPattern), "h_n, batch \(batch), VEC \(width)")
            #expect(cell.map(\.bitPattern) == whole.finalCell.map(\.bitPattern), "c_n, batch \(batch), VEC \(width)")
            #expect(!outputs.contains { $0.isNaN })
        }
    }

    @Test("GRU: every vector width and tile gives bitwise the same results", arguments: [1, 2])
    func gruBitwiseAcrossWidths(index: Int) throws {
        let configuration = Self.configurations[index]
        let testCase = ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: configuration.inputSize, hiddenSize: configuration.hiddenSize,
                              layerCount: configuration.layerCount, bidirectional: true,
                              linearBeforeReset: configuration.linearBeforeReset),
            steps: 6, batch: 7, lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 330 + UInt64(index))
        let expected = try CPUReference(model: model).run(problem)
        let device = try Device.first()
        var first: ForwardResult?
        for width in WeightPacking.supportedBlockWidths {
            for tuning in [KernelTuning(vectorWidth: width), KernelTuning(vectorWidth: width, gemmRows: 3, stepRows: 5)] {
                let backend = try OpenCLBackend(model: model, device: device, options: OpenCLBackendOptions(tuning: tuning))
                backend.poisonsWorkspace = true
                let result = try backend.run(problem)
                let comparison = TensorComparison(
                    try Tensor(shape: [result.output.count], values: result.output),
                    try Tensor(shape: [expected.output.count], values: expected.output), tolerance: .float32)
                #expect(comparison.passed, "\(tuning): \(comparison)")
                if let first {
                    #expect(result.output.map(\.bitPattern) == first.output.map(\.bitPattern), "output, \(tuning)")
                    #expect(result.finalHidden.map(\.bitPattern) == first.finalHidden.map(\.bitPattern), "h_n, \(tuning)")
                } else {
                    first = result
                }
            }
        }
    }
}
