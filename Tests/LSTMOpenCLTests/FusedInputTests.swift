// The input projection fused into the persistent recurrence (KernelTuning.fuseInput) against
// the GEMM into G before it: each gate accumulator is the same fma chain (bias, x with W_ih,
// then h with W_hh, in k order), so whole passes must agree bitwise, over reversed
// directions, lengths, stacked layers (the second reads the first's output), projection,
// peepholes, f16 weights, windows, the batch-1 wide tiles, sliced row groups and the
// partial tiles after them. GRU cells ignore the setting.
import LSTMCore
@testable import LSTMOpenCL
import LSTMTestSupport
import OpenCLKit
import Testing

@Suite("Fused input projection")
struct FusedInputTests {
    static let cases: [(name: String, testCase: ReferenceCase, windowSteps: Int?, precision: WeightPrecision)] = [
        ("two layers, bidirectional, lengths, windows of 3", ReferenceCase(
            LSTMConfiguration(inputSize: 19, hiddenSize: 37, layerCount: 2, bidirectional: true),
            steps: 7, batch: 5, lengths: true, states: true), 3, .float32),
        ("projection, peepholes, 37 sequences, windows of 2", ReferenceCase(
            LSTMConfiguration(inputSize: 24, hiddenSize: 50, projectionSize: 11, hasPeepholes: true),
            steps: 5, batch: 37, lengths: true, states: true), 2, .float32),
        ("one sequence (wide tiles), f16 weights", ReferenceCase(
            LSTMConfiguration(inputSize: 40, hiddenSize: 70), steps: 9, batch: 1, lengths: false, states: true), nil, .float16),
        ("70 sequences in sliced row groups, f16 weights, reversed, lengths", ReferenceCase(
            LSTMConfiguration(inputSize: 33, hiddenSize: 21, bidirectional: true),
            steps: 6, batch: 70, lengths: true, states: false), nil, .float16),
        ("GRU: the setting is ignored", ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: 14, hiddenSize: 23, bidirectional: true),
            steps: 6, batch: 9, lengths: true, states: true), nil, .float32),
    ]

    @Test("gives bitwise the results of the GEMM into G", arguments: cases.indices)
    func bitwiseAgainstGEMM(index: Int) throws {
        let (name, testCase, windowSteps, precision) = Self.cases[index]
        let (model, problem) = try testCase.make(seed: 1700 + UInt64(index))
        let device = try Device.first()
        var unfused = KernelTuning.defaults(for: device, batchClass: BatchClass(batch: problem.batch))
        unfused.fuseInput = false
        var fused = unfused
        fused.fuseInput = true
        let backends = try OpenCLBackend.poisoned(
            [unfused, fused], model: model, device: device, precision: precision, windowSteps: windowSteps)
        let expected = try backends[0].run(problem)
        let tolerance: Tolerance = precision == .float16 ? .float16Weights : .float32
        let comparison = try OutputComparison.compare(expected, try CPUReference(model: model).run(problem), tolerance: tolerance)
        #expect(comparison.passed, "\(name): against the reference: \(comparison)")
        let difference = OutputComparison.firstDifference(try backends[1].run(problem), expected)
        #expect(difference == nil, "\(name): \(difference ?? "")")
    }

    @Test("runs no GEMM when fused, and one per direction and window when not")
    func noGEMMWhenFused() throws {
        let testCase = ReferenceCase(
            LSTMConfiguration(inputSize: 12, hiddenSize: 20, bidirectional: true), steps: 6, batch: 40, lengths: true, states: false)
        let (model, problem) = try testCase.make(seed: 1799)
        let device = try Device.first()
        var tuning = KernelTuning.defaults(for: device, batchClass: .large)
        var kernels: [[String]] = []
        for fuse in [false, true] {
            tuning.fuseInput = fuse
            let backend = try OpenCLBackend(model: model, device: device, options: OpenCLBackendOptions(
                tuning: tuning, profiling: true, windowSteps: 3))
            _ = try backend.run(problem)
            kernels.append(try #require(backend.lastProfile).entries.map(\.kernel).sorted())
        }
        #expect(kernels[0].contains { $0.hasPrefix("input_projection") }, "\(kernels[0])")
        #expect(!kernels[1].contains { $0.hasPrefix("input_projection") }, "\(kernels[1])")
        #expect(kernels[1].contains("lstm_recurrence"), "\(kernels[1])")
    }

    @Test("a fused workspace holds no G: its footprint is the unfused one less a window of G")
    func noGatesWhenFused() throws {
        let configuration = LSTMConfiguration(inputSize: 12, hiddenSize: 20, bidirectional: true)
        let model = try LSTMModel.random(configuration, seed: 1800)
        let device = try Device.first()
        var tuning = KernelTuning.defaults(for: device, batchClass: .large)
        var footprints: [Int] = []
        for fuse in [false, true] {
            tuning.fuseInput = fuse
            let backend = try OpenCLBackend(model: model, device: device, options: OpenCLBackendOptions(tuning: tuning, windowSteps: 3))
            footprints.append(backend.workspaceFootprint(steps: 6, batch: 40).total)
        }
        // Two directions of [3 steps][Hp/VEC][40][4·VEC] floats, against one float each.
        let padded = WeightPacking.paddedUnits(20, blockWidth: tuning.vectorWidth)
        #expect(footprints[0] - footprints[1] == 2 * (3 * 40 * 4 * padded - 1) * 4, "\(footprints)")
    }
}
