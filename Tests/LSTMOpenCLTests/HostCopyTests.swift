// Large sequences and outputs move between the caller's arrays and a CPU device's buffers
// through mappings copied by several host threads (HostCopy, OpenCLBackend+Transfers) when
// the GPU kernel family runs there (the CPU family uses the arrays in place:
// HostMemoryPassTests).
import Foundation
import LSTMCore
@testable import LSTMOpenCL
import LSTMTestSupport
import OpenCLKit
import Testing

@Suite("Copies by several host threads")
struct HostCopyTests {
    @Test("a split copy of an odd number of bytes gives exactly the source")
    func splitCopyIsExact() throws {
        let byteCount = 5 * HostCopy.bytesPerThread + 13
        var generator = SeededGenerator(seed: 41)
        let source = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var destination = [UInt8](repeating: 0, count: byteCount + 1)
        destination[byteCount] = 0xA5
        source.withUnsafeBytes { from in
            destination.withUnsafeMutableBytes { to in
                if let from = from.baseAddress, let to = to.baseAddress { HostCopy.copy(from: from, to: to, byteCount: byteCount) }
            }
        }
        // A Bool, not the arrays: on failure the test library would describe 10 MB of bytes.
        let firstWrong = source.indices.first { destination[$0] != source[$0] }
        #expect(firstWrong == nil, "first wrong byte at \(firstWrong ?? -1)")
        #expect(destination[byteCount] == 0xA5, "the copy wrote past its end")
        #expect(HostCopy.threads(byteCount: byteCount) == min(5, ProcessInfo.processInfo.activeProcessorCount))
    }

    @Test("passes whose sequence and output several threads copy give bitwise the results of small slices")
    func largeTransfers() throws {
        // 160 x 256 x 32 floats (5 MiB) each way: split on two cores. Slices of 32 sequences
        // (640 KiB) travel in the one staging write and the driver's read instead.
        let testCase = ReferenceCase(LSTMConfiguration(inputSize: 32, hiddenSize: 32), steps: 160, batch: 256, lengths: true, states: true)
        try #require(ProcessInfo.processInfo.activeProcessorCount >= 2, "needs two cores to split a copy")
        #expect(HostCopy.threads(byteCount: 160 * 256 * 32 * 4) >= 2)
        #expect(HostCopy.threads(byteCount: 160 * 32 * 32 * 4) == 1)
        let model = try LSTMModel.random(testCase.configuration, seed: 4242)
        let backend = try OpenCLBackend(model: model, device: try Device.first(), options: OpenCLBackendOptions(kernels: .gpu))
        backend.poisonsWorkspace = true
        // The second pass reuses the workspace: a mapping that did not reach the device would
        // leave the first pass's sequence there.
        for seed in [UInt64(7), 8] {
            let (_, problem) = try testCase.make(seed: seed)
            let whole = try backend.run(problem)
            let ranges = stride(from: 0, to: problem.batch, by: 32).map { $0..<min($0 + 32, problem.batch) }
            let parts = try ranges.map { range in (range: range, result: try backend.run(problem.slice(sequences: range))) }
            let sliced = ForwardProblem.merging(parts, for: problem)
            for (name, got, want) in [("output", whole.output, sliced.output), ("h_n", whole.finalHidden, sliced.finalHidden),
                                      ("c_n", whole.finalCell, sliced.finalCell)] {
                let difference = OutputComparison.firstDifference(got, want)
                #expect(difference == nil, "seed \(seed), \(name): \(difference ?? "")")
            }
        }
    }
}
