// The kernels at every vector width (VEC, the units per block the weights are packed for):
// each width against the CPU reference, with both recurrence modes and f16 weights, and the
// widths against each other bitwise. Each output is one fma chain over k in the same order
// at every width, so changing the width (and so the packing and every tile) must not change
// a single bit; the batch-class tunings rely on it.
import LSTMCore
import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("Vector widths")
struct VectorWidthTests {
    static let widths = WeightPacking.supportedBlockWidths

    @Test("every variant matches the reference at every vector width", arguments: widths, ReferenceCase.all.indices)
    func matchesReference(width: Int, caseIndex: Int) throws {
        let testCase = ReferenceCase.all[caseIndex]
        let (model, problem) = try testCase.make(seed: 900 + UInt64(caseIndex))
        let expected = try CPUReference(model: model).run(problem)
        for persistent in [true, false] {
            let tuning = KernelTuning(vectorWidth: width, persistentRecurrence: persistent)
            let comparison = try ReferenceCase.run(model, problem, precision: .float32, tuning: tuning, against: expected, tolerance: .float32)
            #expect(comparison.passed, "VEC=\(width) persistent=\(persistent) \(testCase): \(comparison)")
        }
    }

    @Test("f16 weights are within their tolerance at every vector width", arguments: widths)
    func halfWeights(width: Int) throws {
        let testCase = ReferenceCase(
            LSTMConfiguration(inputSize: 21, hiddenSize: 45, projectionSize: 7, layerCount: 2, bidirectional: true),
            steps: 4, batch: 3, lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 950)
        let expected = try CPUReference(model: model).run(problem)
        let tuning = KernelTuning(vectorWidth: width)
        let comparison = try ReferenceCase.run(model, problem, precision: .float16, tuning: tuning, against: expected, tolerance: .float16Weights)
        #expect(comparison.passed, "VEC=\(width): \(comparison)")
    }

    @Test("batch-1 tiles of 1 to 4 blocks match the reference at widths 8 and 16", arguments: [8, 16], [1, 2, 3, 4])
    func wideTiles(width: Int, blocks: Int) throws {
        // H = 75: 5 blocks of 16 or 10 of 8, so every tile count leaves a tail.
        let testCase = ReferenceCase(LSTMConfiguration(inputSize: 19, hiddenSize: 75, bidirectional: true), steps: 6, batch: 1,
                                     lengths: false, states: true)
        let (model, problem) = try testCase.make(seed: 960 + UInt64(blocks))
        let expected = try CPUReference(model: model).run(problem)
        let tuning = KernelTuning(vectorWidth: width, wideBlocks: blocks)
        let comparison = try ReferenceCase.run(model, problem, precision: .float32, tuning: tuning, against: expected, tolerance: .float32)
        #expect(comparison.passed, "VEC=\(width) WIDE_BLOCKS=\(blocks): \(comparison)")
    }

    @Test("every vector width and tile gives bitwise the same results", arguments: [1, 5, 9])
    func bitwiseAcrossWidths(batch: Int) throws {
        let configuration = LSTMConfiguration(inputSize: 23, hiddenSize: 37, projectionSize: 0, layerCount: 2, bidirectional: true)
        let testCase = ReferenceCase(configuration, steps: 7, batch: batch, lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 970 + UInt64(batch))
        let tunings = Self.widths.flatMap { width in
            [
                KernelTuning(vectorWidth: width),
                KernelTuning(vectorWidth: width, gemmRows: 3, stepRows: 6, wideBlocks: 1, persistentRecurrence: false),
                KernelTuning(vectorWidth: width, gemmRows: 6, stepRows: 5, wideBlocks: 3),
            ]
        }
        let device = try Device.first()
        var first: ForwardResult?
        for tuning in tunings {
            let backend = try OpenCLBackend(model: model, device: device, options: OpenCLBackendOptions(tuning: tuning))
            backend.poisonsWorkspace = true
            let result = try backend.run(problem)
            guard let first else {
                first = result
                continue
            }
            #expect(result.output.map(\.bitPattern) == first.output.map(\.bitPattern), "output, \(tuning)")
            #expect(result.finalHidden.map(\.bitPattern) == first.finalHidden.map(\.bitPattern), "h_n, \(tuning)")
            #expect(result.finalCell.map(\.bitPattern) == first.finalCell.map(\.bitPattern), "c_n, \(tuning)")
        }
    }

    @Test("the default width follows the device's native float vector width")
    func defaultWidthFromDevice() throws {
        let device = try Device.first()
        let width = KernelTuning.defaults(for: device).vectorWidth
        #expect(WeightPacking.supportedBlockWidths.contains(width))
        if device.kind == .cpu {
            #expect(width == (device.nativeVectorWidthFloat >= 16 ? 16 : 8), "native \(device.nativeVectorWidthFloat)")
        }
    }

    @Test("an unsupported vector width is refused with a typed error")
    func unsupportedWidth() throws {
        let model = try LSTMModel.random(LSTMConfiguration(inputSize: 3, hiddenSize: 5), seed: 1)
        #expect(throws: ShapeError.self) {
            _ = try OpenCLBackend(model: model, device: try Device.first(), options: OpenCLBackendOptions(tuning: KernelTuning(vectorWidth: 12)))
        }
    }
}

@Suite("Tunings per batch class")
struct BatchClassTuningTests {
    @Test("batch sizes fall into their classes")
    func classes() {
        #expect(BatchClass(batch: 1) == .single)
        #expect(BatchClass(batch: 2) == .small)
        #expect(BatchClass(batch: 31) == .small)
        #expect(BatchClass(batch: 32) == .large)
        #expect(BatchClass(batch: 20_000) == .large)
    }

    @Test("each batch runs its class's tuning, built on first use, and matches the reference")
    func lazyPerClassKernels() throws {
        let configuration = LSTMConfiguration(inputSize: 14, hiddenSize: 27, layerCount: 2, bidirectional: true)
        let model = try LSTMModel.random(configuration, seed: 41)
        let tunings: [BatchClass: KernelTuning] = [
            .single: KernelTuning(vectorWidth: 8, wideBlocks: 2),
            .small: KernelTuning(vectorWidth: 16, stepRows: 3, persistentRecurrence: false),
            .large: KernelTuning(vectorWidth: 4, stepRows: 5),
        ]
        let backend = try OpenCLBackend(model: model, device: try Device.first(), options: OpenCLBackendOptions(tunings: tunings))
        backend.poisonsWorkspace = true
        #expect(backend.tuning == tunings[.large])
        var results: [Int: ForwardResult] = [:]
        // Back and forth between classes: each switch rebuilds the plan on the class's kernels.
        for batch in [1, 7, 33, 1, 7] {
            #expect(backend.tuning(forBatch: batch) == tunings[BatchClass(batch: batch)])
            let testCase = ReferenceCase(configuration, steps: 5, batch: batch, lengths: true, states: true)
            let (_, problem) = try testCase.make(seed: 42 + UInt64(batch))
            let expected = try CPUReference(model: model).run(problem)
            let got = try backend.run(problem)
            let comparison = TensorComparison(
                try Tensor(shape: [got.output.count], values: got.output),
                try Tensor(shape: [expected.output.count], values: expected.output), tolerance: .float32)
            #expect(comparison.passed, "batch \(batch): \(comparison)")
            if let earlier = results[batch] {
                #expect(earlier.output.map(\.bitPattern) == got.output.map(\.bitPattern), "batch \(batch) rerun")
            }
            results[batch] = got
        }
    }
}
