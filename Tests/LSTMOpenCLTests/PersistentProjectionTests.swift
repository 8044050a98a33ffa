// The persistent input projection (input_projection_persistent: one work-group per worker,
// each reading its own copy of W_ih, claiming and stealing units) against the form with one
// work-item per row group and block: every G element is the same fma chain, so whole passes
// must agree bitwise, over several windows (the claim counters reset between launches),
// reversed directions, lengths, f16 weights and more than one band of panels.
import LSTMCore
@testable import LSTMOpenCL
import LSTMTestSupport
import OpenCLKit
import Testing

@Suite("Persistent input projection")
struct PersistentProjectionTests {
    static let cases: [(name: String, testCase: ReferenceCase, windowSteps: Int?, precision: WeightPrecision)] = [
        ("two layers, bidirectional, lengths, windows of 3", ReferenceCase(
            LSTMConfiguration(inputSize: 19, hiddenSize: 37, layerCount: 2, bidirectional: true),
            steps: 7, batch: 5, lengths: true, states: true), 3, .float32),
        ("projection, peepholes, 33 sequences, windows of 2", ReferenceCase(
            LSTMConfiguration(inputSize: 24, hiddenSize: 50, projectionSize: 11, hasPeepholes: true),
            steps: 5, batch: 33, lengths: true, states: true), 2, .float32),
        ("f16 weights, one sequence", ReferenceCase(
            LSTMConfiguration(inputSize: 40, hiddenSize: 70), steps: 9, batch: 1, lengths: false, states: true), nil, .float16),
        // 128 KiB panels at VEC 8: a band of at most 8 of the 9 blocks on any L2 up to 2 MiB.
        ("input 1024: more than one band of panels", ReferenceCase(
            LSTMConfiguration(inputSize: 1024, hiddenSize: 70), steps: 3, batch: 18, lengths: true, states: false), nil, .float32),
    ]

    @Test("gives bitwise the results of one work-item per row group and block", arguments: cases.indices)
    func bitwiseAgainstWorkItems(index: Int) throws {
        let (name, testCase, windowSteps, precision) = Self.cases[index]
        let (model, problem) = try testCase.make(seed: 1500 + UInt64(index))
        var plain = KernelTuning.cpuDefault
        plain.persistentRecurrence = true
        plain.gemmTiles = 2
        var persistent = plain
        persistent.persistentProjection = true
        let device = try Device.first()
        let backends = try OpenCLBackend.poisoned(
            [plain, persistent], model: model, device: device, precision: precision, windowSteps: windowSteps)
        let expected = try backends[0].run(problem)
        let tolerance: Tolerance = precision == .float16 ? .float16Weights : .float32
        let comparison = try OutputComparison.compare(expected, try CPUReference(model: model).run(problem), tolerance: tolerance)
        #expect(comparison.passed, "\(name): against the reference: \(comparison)")
        // Claims race differently from run to run: several runs, each bitwise.
        for run in 0..<3 {
            let difference = OutputComparison.firstDifference(try backends[1].run(problem), expected)
            #expect(difference == nil, "\(name), run \(run): \(difference ?? "")")
        }
    }

    @Test("a copy of W_ih per worker within the budget, bands of panels within half an L2")
    func copiesAndChunks() {
        #expect(InputProjection.weightCopies(workers: 2, bytesPerCopy: 4 << 20) == 2)
        #expect(InputProjection.weightCopies(workers: 1, bytesPerCopy: 4 << 20) == 1)
        #expect(InputProjection.weightCopies(workers: 0, bytesPerCopy: 4 << 20) == 1)
        #expect(InputProjection.weightCopies(workers: 64, bytesPerCopy: 16 << 20) == 1)
        #expect(InputProjection.bandBlocks(panelBytes: 1 << 30, blocks: 9) == 1)
        #expect(InputProjection.bandBlocks(panelBytes: 1, blocks: 9) == 9)
        #expect(HostCacheSizes.bytes("2048K") == 2 << 20)
        #expect(HostCacheSizes.bytes("1M") == 1 << 20)
        #expect(HostCacheSizes.bytes("junk") == nil)
    }
}
