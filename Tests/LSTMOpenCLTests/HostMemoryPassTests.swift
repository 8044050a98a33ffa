// On CPU devices the CPU family's kernels read a large sequence from the caller's array and
// write the output into the result's array (OpenCLBackend+HostMemory): bitwise the results of
// the copying path, with the output poisoned first, and the pass's kernels bound back to the
// workspace afterwards.
import LSTMCore
@testable import LSTMOpenCL
import LSTMTestSupport
import OpenCLKit
import Testing

@Suite("Passes in host memory")
struct HostMemoryPassTests {
    static let cases = [
        // Three layers: layers 0 and 2 share the last layer's output buffer, so layer 0 writes
        // into the caller's output array too (layer 2 overwrites it).
        ReferenceCase(
            LSTMConfiguration(inputSize: 24, hiddenSize: 40, projectionSize: 24, layerCount: 3, bidirectional: true, hasPeepholes: true),
            steps: 64, batch: 96, lengths: true, states: true),
        ReferenceCase(LSTMConfiguration(inputSize: 64, hiddenSize: 48), steps: 40, batch: 128, lengths: false, states: true),
        ReferenceCase(LSTMConfiguration(cell: .gru, inputSize: 48, hiddenSize: 32, bidirectional: true), steps: 64, batch: 96,
                      lengths: true, states: true),
    ]

    @Test("gives bitwise the results of slices that take the copying path", arguments: cases)
    func matchesCopyingPath(_ testCase: ReferenceCase) throws {
        let model = try LSTMModel.random(testCase.configuration, seed: 5151)
        let device = try Device.first()
        try #require(device.kind == .cpu, "host-memory passes are for CPU devices")
        // Fused and not (the fused recurrence reads x itself, the GEMM otherwise).
        for fuseInput in [false, true] where testCase.configuration.cell == .lstm || !fuseInput {
            var tuning = KernelTuning.defaults(for: device)
            tuning.fuseInput = fuseInput
            let backend = try OpenCLBackend(model: model, device: device, options: OpenCLBackendOptions(tuning: tuning))
            backend.poisonsWorkspace = true
            // Twice on one workspace: the second pass reads a new sequence in place.
            for seed in [UInt64(3), 4] {
                let (_, problem) = try testCase.make(seed: seed)
                #expect(backend.runsInHostMemory(problem))
                let whole = try backend.run(problem)
                let ranges = stride(from: 0, to: problem.batch, by: 16).map { $0..<min($0 + 16, problem.batch) }
                let parts = try ranges.map { range in
                    let part = problem.slice(sequences: range)
                    #expect(!backend.runsInHostMemory(part))
                    return (range: range, result: try backend.run(part))
                }
                let sliced = ForwardProblem.merging(parts, for: problem)
                for (name, got, want) in [("output", whole.output, sliced.output), ("h_n", whole.finalHidden, sliced.finalHidden),
                                          ("c_n", whole.finalCell, sliced.finalCell)] {
                    let difference = OutputComparison.firstDifference(got, want)
                    #expect(difference == nil, "\(testCase) fuse \(fuseInput) seed \(seed), \(name): \(difference ?? "")")
                }
            }
        }
    }

    @Test("the pass's kernels are bound to the workspace's input and output buffers again after it")
    func bindingsRestored() throws {
        let testCase = Self.cases[0]
        let model = try LSTMModel.random(testCase.configuration, seed: 77)
        let backend = try OpenCLBackend(model: model, device: try Device.first())
        let (_, problem) = try testCase.make(seed: 9)
        try #require(backend.runsInHostMemory(problem))
        let (workspace, plan) = try backend.prepared(steps: problem.steps, batch: problem.batch)
        _ = try backend.run(problem)
        // The same plan (not one rebuilt after a failed restore), bound as it was built.
        #expect(try backend.prepared(steps: problem.steps, batch: problem.batch).1 === plan)
        let input = try workspace.buffer(.input)
        let lastOutput = try workspace.buffer(.layerOutput, (testCase.configuration.layerCount - 1) % 2)
        #expect(plan.kernels.contains { $0.binds(input) })
        #expect(plan.kernels.contains { $0.binds(lastOutput) })
    }
}
