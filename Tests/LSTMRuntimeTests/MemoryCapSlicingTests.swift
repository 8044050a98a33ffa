// A memory cap that forces the engine to run a batch in slices of one or two sequences must
// give bitwise the result of the run in one slice.
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("Engine batch slices under a memory cap")
struct MemoryCapSlicingTests {
    static let configuration = LSTMConfiguration(
        inputSize: 5, hiddenSize: 19, projectionSize: 6, layerCount: 2, bidirectional: true, hasPeepholes: true)
    /// A GRU in ONNX's form, whose step is two launches.
    static let gruConfiguration = LSTMConfiguration(
        cell: .gru, inputSize: 5, hiddenSize: 19, layerCount: 2, bidirectional: true, linearBeforeReset: false)

    @Test("batch slices of 1, 2 and 3 sequences are bitwise identical to one launch",
          arguments: [CellKind.lstm, .gru], [1, 2, 3])
    func slicedEqualsWhole(cell: CellKind, capInSequences: Int) throws {
        _ = try Device.first()
        let configuration = cell == .lstm ? Self.configuration : Self.gruConfiguration
        let model = try LSTMModel.random(configuration, seed: 31)
        let input = SeededInputs.inputWithLengths(configuration, steps: 6, batch: 7, seed: 32)
        let problem = try ForwardProblem(input, configuration: configuration)

        let whole = try LSTMEngine(model: model, device: .opencl(index: nil), options: quietOptions)
        #expect(try whole.sequencesPerSlice(for: problem) == 7)
        let bytes = try #require(whole.deviceBytes(steps: 6, batch: capInSequences))
        let capped = try LSTMEngine(
            model: model, device: .opencl(index: nil), options: EngineOptions(deviceMemoryLimit: bytes, notice: { _ in }))
        let slice = try capped.sequencesPerSlice(for: problem)
        // The engine rounds slices down to whole row tiles of the step kernel when one fits.
        let tile = try #require(capped.kernelTuning).stepRows
        #expect(slice == (capInSequences >= tile ? capInSequences - capInSequences % tile : capInSequences))
        #expect((1...2).contains(slice) || capInSequences > 2)

        let expected = try whole.forward(input)
        let got = try capped.forward(input)
        expectBitwiseEqual(got, expected, "slices of \(slice)")
        #expect(!got.output.values.contains { $0.isNaN }, "a slice left part of the output unwritten")
    }

    @Test("a cap below one sequence is an error that says what to do")
    func capTooSmall() throws {
        _ = try Device.first()
        let model = try LSTMModel.random(Self.configuration, seed: 33)
        let engine = try LSTMEngine(
            model: model, device: .opencl(index: nil), options: EngineOptions(deviceMemoryLimit: 16, notice: { _ in }))
        let input = SeededInputs.inputWithLengths(Self.configuration, steps: 4, batch: 3, seed: 34)
        #expect {
            try engine.forward(input)
        } throws: { error in
            guard case RuntimeError.problemTooLarge(let message)? = error as? RuntimeError else { return false }
            return message.contains("--device cpu")
        }
    }

    @Test("the CPU reference never slices")
    func cpuRunsWhole() throws {
        let model = try LSTMModel.random(Self.configuration, seed: 35)
        let engine = try LSTMEngine(model: model, device: .cpu, options: EngineOptions(deviceMemoryLimit: 16, notice: { _ in }))
        let problem = try ForwardProblem(SeededInputs.inputWithLengths(Self.configuration, steps: 3, batch: 5, seed: 36), configuration: Self.configuration)
        #expect(try engine.sequencesPerSlice(for: problem) == 5)
        #expect(engine.deviceBytes(steps: 3, batch: 5) == nil)
    }
}
