// The kernels with ONNX gate functions (every activation, clip, coupled input-forget gate)
// against the CPU reference, persistent and per-step, with poisoned device buffers; and a
// check that the reference really changes with them (so agreement is not the standard cell's).
import LSTMCore
import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("OpenCL kernels with ONNX gate functions")
struct GateFunctionKernelTests {
    static let sets: [GateFunctions] = [
        GateFunctions(f: .hardSigmoid(alpha: 0.3, beta: 0.45), g: .relu, h: .softsign),
        GateFunctions(f: .sigmoid, g: .affine(alpha: 0.7, beta: -0.1), h: .leakyRelu(alpha: 0.05)),
        GateFunctions(f: .sigmoid, g: .thresholdedRelu(alpha: 0.2), h: .scaledTanh(alpha: 1.3, beta: 0.6)),
        GateFunctions(f: .sigmoid, g: .elu(alpha: 0.9), h: .softplus),
        GateFunctions(clip: 0.4),
        GateFunctions(coupledInputForget: true),
        GateFunctions(f: .hardSigmoid(alpha: 0.2, beta: 0.5), g: .tanh, h: .relu, clip: 1.5, coupledInputForget: true),
    ]

    /// The LSTM sets, then GRU ones in both reset forms (a GRU uses f and g and the clip).
    static let cases: [(cell: CellKind, linearBeforeReset: Bool, gates: GateFunctions)] =
        sets.map { (.lstm, true, $0) } + [
            (.gru, true, GateFunctions(f: .hardSigmoid(alpha: 0.3, beta: 0.45), g: .relu)),
            (.gru, false, GateFunctions(f: .sigmoid, g: .softsign, clip: 0.5)),
            (.gru, false, GateFunctions(f: .hardSigmoid(alpha: 0.2, beta: 0.5), g: .elu(alpha: 0.8))),
        ]

    static func testCase(_ index: Int) -> ReferenceCase {
        let (cell, linearBeforeReset, gates) = cases[index]
        var configuration = cell == .lstm
            ? LSTMConfiguration(inputSize: 6, hiddenSize: 13, layerCount: 2, bidirectional: true, hasPeepholes: true)
            : LSTMConfiguration(cell: .gru, inputSize: 6, hiddenSize: 13, layerCount: 2, bidirectional: true, linearBeforeReset: linearBeforeReset)
        configuration.gateFunctions = gates
        return ReferenceCase(configuration, steps: 5, batch: 4, lengths: true, states: true)
    }

    @Test("each gate-function set matches the reference", arguments: cases.indices)
    func matchesReference(index: Int) throws {
        let testCase = Self.testCase(index)
        let (model, problem) = try testCase.make(seed: 900 + UInt64(index))
        let expected = try CPUReference(model: model).run(problem)
        for persistent in [true, false] {
            var tuning = KernelTuning.cpuDefault
            tuning.persistentRecurrence = persistent
            let comparison = try ReferenceCase.run(model, problem, precision: .float32, tuning: tuning, against: expected, tolerance: .float32)
            #expect(comparison.passed, "\(testCase) \(Self.cases[index].gates) persistent=\(persistent): \(comparison)")
        }
    }

    @Test("the reference differs from the standard cell for each set", arguments: cases.indices)
    func referenceChanges(index: Int) throws {
        let testCase = Self.testCase(index)
        let (model, problem) = try testCase.make(seed: 900 + UInt64(index))
        var standardConfiguration = model.configuration
        standardConfiguration.gateFunctions = .standard
        let standard = try LSTMModel(configuration: standardConfiguration, layers: model.layers)
        let standardProblem = ForwardProblem(
            configuration: standardConfiguration, steps: problem.steps, batch: problem.batch, sequence: problem.sequence,
            initialHidden: problem.initialHidden, initialCell: problem.initialCell, lengths: problem.lengths)
        let got = try CPUReference(model: model).run(problem).output
        let plain = try CPUReference(model: standard).run(standardProblem).output
        let largest = zip(got, plain).map { abs($0 - $1) }.max() ?? 0
        #expect(largest > 1e-3, "\(Self.cases[index].gates) changes the output by only \(largest)")
    }
}
