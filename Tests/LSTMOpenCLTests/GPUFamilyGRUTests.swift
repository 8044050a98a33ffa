// The GPU kernel family's GRU kernels (Kernels/gpu_gru.cl), both reset forms, against the
// CPU reference on seeded random models and inputs with poisoned buffers; and their
// determinism: bitwise the same across unit tiles, batch tiles, batch slices and windows.
import LSTMCore
import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("GPU kernel family, GRU")
struct GPUFamilyGRUTests {
    /// The GRU cases of the shared list (both reset forms, stacked, bidirectional, no bias, lengths).
    static let gruCases = ReferenceCase.all.filter { $0.configuration.cell == .gru }

    /// The device's default tiles, and the smallest ones (one unit per tile, 3-sequence batch tiles).
    static let tunings = [GPUKernelTuning(), GPUKernelTuning(units: 1, batchTile: 3)]

    @Test("every GRU variant matches the reference, bitwise the same across unit and batch tiles", arguments: gruCases.indices)
    func matchesReference(caseIndex: Int) throws {
        let testCase = Self.gruCases[caseIndex]
        let (model, problem) = try testCase.make(seed: 1300 + UInt64(caseIndex))
        let expected = try CPUReference(model: model).run(problem)
        var results: [[UInt32]] = []
        for tuning in Self.tunings {
            let backend = try GPUFamilyTests.backend(model, tuning)
            #expect(backend.family == .gpu)
            let got = try backend.run(problem)
            let comparison = try GPUFamilyTests.compare(got, expected, .float32)
            #expect(comparison.passed, "\(testCase) \(tuning): \(comparison)")
            results.append(GPUFamilyTests.bits(got))
        }
        #expect(results.allSatisfy { $0 == results[0] }, "\(testCase): the tilings differ bitwise")
    }

    @Test("windows of 2 steps give bitwise the one-window results", arguments: gruCases.indices)
    func windows(caseIndex: Int) throws {
        let testCase = Self.gruCases[caseIndex]
        let (model, problem) = try testCase.make(seed: 1350 + UInt64(caseIndex))
        let whole = try GPUFamilyTests.backend(model, GPUKernelTuning()).run(problem)
        let windowed = try GPUFamilyTests.backend(model, GPUKernelTuning(), windowSteps: 2).run(problem)
        #expect(GPUFamilyTests.bits(windowed) == GPUFamilyTests.bits(whole), "\(testCase)")
        let comparison = try GPUFamilyTests.compare(windowed, try CPUReference(model: model).run(problem), .float32)
        #expect(comparison.passed, "\(testCase): \(comparison)")
    }

    @Test("f16 weights match the reference within the f16 tolerance, both reset forms", arguments: [true, false])
    func halfWeights(linearBeforeReset: Bool) throws {
        let testCase = ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: 6, hiddenSize: 11, layerCount: 2, bidirectional: true, linearBeforeReset: linearBeforeReset),
            steps: 5, batch: 4, lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 1390)
        let expected = try CPUReference(model: model).run(problem)
        let got = try GPUFamilyTests.backend(model, GPUKernelTuning(), precision: .float16).run(problem)
        let comparison = try GPUFamilyTests.compare(got, expected, .float16Weights)
        #expect(comparison.passed, "\(testCase): \(comparison)")
    }

    @Test("a sequence alone gives bitwise its rows of the whole batch, two h panels, both reset forms", arguments: [true, false])
    func batchSlices(linearBeforeReset: Bool) throws {
        // H = 300 > KPANEL: two panels of h (and of r⊙h); batch 6 leaves a partial batch tile.
        let testCase = ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: 12, hiddenSize: 300, bidirectional: true, linearBeforeReset: linearBeforeReset),
            steps: 3, batch: 6, lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 1395)
        let backend = try GPUFamilyTests.backend(model, GPUKernelTuning(units: 8, batchTile: 4))
        let whole = try backend.run(problem)
        let comparison = try GPUFamilyTests.compare(whole, try CPUReference(model: model).run(problem), .float32)
        #expect(comparison.passed, "\(testCase): \(comparison)")
        let width = 2 * 300
        for sequence in [0, 5] {
            let alone = try backend.run(problem.slice(sequences: sequence..<(sequence + 1)))
            for step in 0..<problem.steps {
                let start = (step * problem.batch + sequence) * width
                let row = Array(whole.output[start..<(start + width)]).map(\.bitPattern)
                #expect(row == Array(alone.output[(step * width)..<((step + 1) * width)]).map(\.bitPattern), "sequence \(sequence), step \(step)")
            }
        }
    }
}
