// Results must not depend on how sequences and blocks are grouped into tiles (every
// accumulator is one sequential fma chain): a batch run at once and its sequences run one by
// one agree bitwise. The engine relies on this when it splits a batch under a memory cap.
import OpenCLKit
import LSTMCore
import LSTMOpenCL
import Testing

@Suite("Tiling invariance")
struct TilingInvarianceTests {
    @Test("a batch gives bitwise the results of its sequences run alone", arguments: [true, false])
    func batchEqualsSequences(persistent: Bool) throws {
        // H = 37: five blocks, so batch 1 takes the four-block path and a single-block tail;
        // batch 6 with 4-row tiles takes a full tile and a pair.
        let testCase = ReferenceCase(
            LSTMConfiguration(inputSize: 12, hiddenSize: 37, layerCount: 2, bidirectional: true), steps: 5, batch: 6,
            lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 700)
        var tuning = KernelTuning.cpuDefault
        tuning.stepRows = 4
        tuning.persistentRecurrence = persistent
        let backend = try OpenCLBackend(model: model, device: try Device.first(), options: OpenCLBackendOptions(tuning: tuning))
        let whole = try backend.run(problem)
        let width = 2 * 37
        for sequence in 0..<problem.batch {
            let alone = try backend.run(problem.slice(sequences: sequence..<(sequence + 1)))
            for step in 0..<problem.steps {
                let row = Array(whole.output[((step * problem.batch + sequence) * width)..<((step * problem.batch + sequence + 1) * width)])
                let single = Array(alone.output[(step * width)..<((step + 1) * width)])
                #expect(row.map(\.bitPattern) == single.map(\.bitPattern), "sequence \(sequence), step \(step)")
            }
        }
    }
}
