// The OpenCL kernels against the CPU reference on fresh seeded random models and inputs,
// with poisoned device buffers so an unwritten element fails.
import LSTMCore
import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("OpenCL kernels against the CPU reference")
struct KernelAgainstReferenceTests {
    static let cases: [(LSTMConfiguration, steps: Int, batch: Int, lengths: Bool, states: Bool)] = [
        (LSTMConfiguration(inputSize: 1, hiddenSize: 1), 1, 1, false, false),
        (LSTMConfiguration(inputSize: 3, hiddenSize: 3), 4, 2, false, true),
        (LSTMConfiguration(inputSize: 37, hiddenSize: 37), 5, 3, false, true),
        (LSTMConfiguration(inputSize: 129, hiddenSize: 129), 3, 5, false, false),
        (LSTMConfiguration(inputSize: 16, hiddenSize: 24, layerCount: 2), 6, 4, true, true),
        (LSTMConfiguration(inputSize: 5, hiddenSize: 9, bidirectional: true), 7, 3, true, true),
        (LSTMConfiguration(inputSize: 6, hiddenSize: 11, projectionSize: 5, layerCount: 2, bidirectional: true), 5, 4, true, true),
        (LSTMConfiguration(inputSize: 4, hiddenSize: 13, bidirectional: true, hasBias: false, hasPeepholes: true), 6, 3, true, true),
        (LSTMConfiguration(inputSize: 8, hiddenSize: 17, projectionSize: 3, layerCount: 3, bidirectional: true, hasPeepholes: true), 4, 5, true, false),
    ]

    @Test("every variant matches the reference", arguments: cases.indices)
    func matchesReference(caseIndex: Int) throws {
        let (configuration, steps, batch, useLengths, useStates) = Self.cases[caseIndex]
        let device = try requireOpenCLDevice()
        var random = SeededGenerator(seed: 1000 + UInt64(caseIndex))
        let model = try LSTMModel.random(configuration, seed: 77 + UInt64(caseIndex))
        let states = configuration.layerCount * configuration.directionCount
        let input = LSTMInput(
            sequence: random.tensor([steps, batch, configuration.inputSize]),
            initialHidden: useStates ? random.tensor([states, batch, configuration.outputSize]) : nil,
            initialCell: useStates ? random.tensor([states, batch, configuration.hiddenSize]) : nil,
            lengths: useLengths ? (0..<batch).map { _ in Int.random(in: 1...steps, using: &random) } : nil)
        let problem = try ForwardProblem(input, configuration: configuration)
        let expected = try CPUReference(model: model).run(problem)
        let backend = try OpenCLBackend(model: model, device: device)
        backend.poisonsWorkspace = true
        let got = try backend.run(problem)
        for (name, a, b) in [("output", got.output, expected.output), ("h_n", got.finalHidden, expected.finalHidden), ("c_n", got.finalCell, expected.finalCell)] {
            let comparison = TensorComparison(
                try Tensor(shape: [a.count], values: a), try Tensor(shape: [b.count], values: b), tolerance: .float32)
            #expect(comparison.passed, "\(name): \(comparison)")
        }
    }
}

/// The first OpenCL device; in CI (`CI` set) a missing device is a failure, not a skip.
func requireOpenCLDevice() throws -> Device {
    guard let device = try Device.all().first else {
        throw OpenCLError(call: "clGetPlatformIDs", code: -1001,
                          detail: "no OpenCL device found: install pocl-opencl-icd (apt-get install pocl-opencl-icd)")
    }
    return device
}
