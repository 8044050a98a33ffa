// The OpenCL kernels against the CPU reference on fresh seeded random models and inputs,
// with poisoned device buffers so an unwritten element fails.
import LSTMCore
import LSTMOpenCL
import LSTMTestSupport
import OpenCLKit
import Testing

@Suite("OpenCL kernels against the CPU reference")
struct KernelAgainstReferenceTests {
    @Test("every variant matches the reference", arguments: ReferenceCase.all.indices)
    func matchesReference(caseIndex: Int) throws {
        let testCase = ReferenceCase.all[caseIndex]
        let (model, problem) = try testCase.make(seed: UInt64(caseIndex))
        let expected = try CPUReference(model: model).run(problem)
        let comparison = try ReferenceCase.run(model, problem, precision: .float32, against: expected, tolerance: .float32)
        #expect(comparison.passed, "\(testCase): \(comparison)")
    }

    @Test("one launch per step (the non-CPU path) matches the reference", arguments: ReferenceCase.all.indices)
    func perStepLaunches(caseIndex: Int) throws {
        let testCase = ReferenceCase.all[caseIndex]
        let (model, problem) = try testCase.make(seed: 100 + UInt64(caseIndex))
        let expected = try CPUReference(model: model).run(problem)
        var tuning = KernelTuning.cpuDefault
        tuning.persistentRecurrence = false
        let comparison = try ReferenceCase.run(model, problem, precision: .float32, tuning: tuning, against: expected, tolerance: .float32)
        #expect(comparison.passed, "\(testCase): \(comparison)")
    }

    @Test("windows of 2 steps match the reference, persistent and per step", arguments: ReferenceCase.all.indices)
    func windowed(caseIndex: Int) throws {
        let testCase = ReferenceCase.all[caseIndex]
        let (model, problem) = try testCase.make(seed: 300 + UInt64(caseIndex))
        let expected = try CPUReference(model: model).run(problem)
        for persistent in [true, false] {
            var tuning = KernelTuning.cpuDefault
            tuning.persistentRecurrence = persistent
            let comparison = try ReferenceCase.run(
                model, problem, precision: .float32, tuning: tuning, windowSteps: 2, against: expected, tolerance: .float32)
            #expect(comparison.passed, "\(testCase) persistent=\(persistent): \(comparison)")
        }
    }

    @Test("every register-tile height matches the reference", arguments: [1, 3, 4, 5, 6])
    func tileHeights(stepRows: Int) throws {
        // Batch 11 leaves a partial last tile for every height, so the pair and single-row
        // paths run next to the full tiles.
        let testCase = ReferenceCase(
            LSTMConfiguration(inputSize: 20, hiddenSize: 35, layerCount: 2, bidirectional: true), steps: 4, batch: 11,
            lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 500 + UInt64(stepRows))
        let expected = try CPUReference(model: model).run(problem)
        let tuning = KernelTuning(gemmRows: stepRows, stepRows: stepRows, projectionRows: stepRows, gemmLocal: 2, stepLocal: 2)
        let comparison = try ReferenceCase.run(model, problem, precision: .float32, tuning: tuning, against: expected, tolerance: .float32)
        #expect(comparison.passed, "STEP_ROWS=\(stepRows): \(comparison)")
    }
}

/// One model variant and problem shape checked against the CPU reference.
struct ReferenceCase: CustomStringConvertible {
    let configuration: LSTMConfiguration
    let steps: Int
    let batch: Int
    /// Random per-sequence lengths instead of full ones.
    let lengths: Bool
    /// Random initial states instead of zeros.
    let states: Bool

    init(_ configuration: LSTMConfiguration, steps: Int, batch: Int, lengths: Bool, states: Bool) {
        self.configuration = configuration
        self.steps = steps
        self.batch = batch
        self.lengths = lengths
        self.states = states
    }

    /// Every variant: sizes off the block width, stacked, bidirectional, projection,
    /// peepholes, no bias, lengths and initial states.
    static let all: [ReferenceCase] = [
        ReferenceCase(LSTMConfiguration(inputSize: 1, hiddenSize: 1), steps: 1, batch: 1, lengths: false, states: false),
        ReferenceCase(LSTMConfiguration(inputSize: 3, hiddenSize: 3), steps: 4, batch: 2, lengths: false, states: true),
        ReferenceCase(LSTMConfiguration(inputSize: 37, hiddenSize: 37), steps: 5, batch: 3, lengths: false, states: true),
        ReferenceCase(LSTMConfiguration(inputSize: 129, hiddenSize: 129), steps: 3, batch: 5, lengths: false, states: false),
        ReferenceCase(LSTMConfiguration(inputSize: 16, hiddenSize: 24, layerCount: 2), steps: 6, batch: 4, lengths: true, states: true),
        ReferenceCase(LSTMConfiguration(inputSize: 5, hiddenSize: 9, bidirectional: true), steps: 7, batch: 3, lengths: true, states: true),
        ReferenceCase(
            LSTMConfiguration(inputSize: 6, hiddenSize: 11, projectionSize: 5, layerCount: 2, bidirectional: true),
            steps: 5, batch: 4, lengths: true, states: true),
        ReferenceCase(
            LSTMConfiguration(inputSize: 4, hiddenSize: 13, bidirectional: true, hasBias: false, hasPeepholes: true),
            steps: 6, batch: 3, lengths: true, states: true),
        ReferenceCase(
            LSTMConfiguration(inputSize: 8, hiddenSize: 17, projectionSize: 3, layerCount: 3, bidirectional: true, hasPeepholes: true),
            steps: 4, batch: 5, lengths: true, states: false),
        // GRU, both reset forms: block-width sizes and odd ones, stacked, bidirectional, no bias.
        ReferenceCase(LSTMConfiguration(cell: .gru, inputSize: 1, hiddenSize: 1), steps: 1, batch: 1, lengths: false, states: false),
        ReferenceCase(LSTMConfiguration(cell: .gru, inputSize: 16, hiddenSize: 8), steps: 5, batch: 4, lengths: false, states: true),
        ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: 37, hiddenSize: 37, linearBeforeReset: false),
            steps: 5, batch: 3, lengths: false, states: true),
        ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: 6, hiddenSize: 11, layerCount: 2, bidirectional: true),
            steps: 6, batch: 5, lengths: true, states: true),
        ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: 5, hiddenSize: 19, layerCount: 3, bidirectional: true, hasBias: false, linearBeforeReset: false),
            steps: 4, batch: 6, lengths: true, states: true),
        ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: 129, hiddenSize: 129, layerCount: 2, linearBeforeReset: false),
            steps: 3, batch: 9, lengths: true, states: false),
    ]

    var description: String {
        let c = configuration
        return "\(c.cell)\(c.cell == .gru && !c.linearBeforeReset ? " reset-first" : "") I\(c.inputSize) H\(c.hiddenSize) P\(c.projectionSize) L\(c.layerCount) D\(c.directionCount)"
            + " peep\(c.hasPeepholes ? 1 : 0) bias\(c.hasBias ? 1 : 0) T\(steps) B\(batch)"
    }

    /// A fresh seeded random model and problem.
    func make(seed: UInt64) throws -> (LSTMModel, ForwardProblem) {
        let model = try LSTMModel.random(configuration, seed: 77 + seed)
        let input = SeededInputs.input(
            configuration, steps: steps, batch: batch, seed: 1000 + seed,
            lengths: lengths ? SeededInputs.unsortedLengths(steps: steps, batch: batch, seed: 2000 + seed) : nil,
            withStates: states)
        return (model, try ForwardProblem(input, configuration: configuration))
    }

    /// Runs `problem` on the first OpenCL device with poisoned buffers and compares output,
    /// h_n and c_n with `expected`.
    static func run(
        _ model: LSTMModel, _ problem: ForwardProblem, precision: WeightPrecision, tuning: KernelTuning? = nil,
        windowSteps: Int? = nil, against expected: ForwardResult, tolerance: Tolerance
    ) throws -> TensorComparison {
        let options = OpenCLBackendOptions(weightPrecision: precision, tuning: tuning, windowSteps: windowSteps)
        let backend = try OpenCLBackend(model: model, device: try Device.first(), options: options)
        backend.poisonsWorkspace = true
        return try OutputComparison.compare(try backend.run(problem), expected, tolerance: tolerance)
    }
}

@Suite("OpenCL backend input checks")
struct OpenCLBackendInputTests {
    @Test("a hand-built problem whose arrays do not match its sizes is refused, not run")
    func inconsistentProblemIsRefused() throws {
        let configuration = LSTMConfiguration(inputSize: 3, hiddenSize: 5)
        let backend = try OpenCLBackend(model: try LSTMModel.random(configuration, seed: 3), device: try Device.first())
        let shortSequence = ForwardProblem(
            configuration: configuration, steps: 4, batch: 2, sequence: [Float](repeating: 0.5, count: 4 * 2 * 3 - 1),
            initialHidden: [Float](repeating: 0, count: 2 * 5), initialCell: [Float](repeating: 0, count: 2 * 5), lengths: [4, 4])
        #expect(throws: ShapeError.self) { try backend.run(shortSequence) }
        let noSteps = ForwardProblem(
            configuration: configuration, steps: 0, batch: 2, sequence: [],
            initialHidden: [Float](repeating: 0, count: 2 * 5), initialCell: [Float](repeating: 0, count: 2 * 5), lengths: [])
        #expect(throws: ShapeError.self) { try backend.run(noSteps) }
    }
}
