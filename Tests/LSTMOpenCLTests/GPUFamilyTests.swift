// The GPU kernel family (Kernels/gpu_*.cl) against the CPU reference on every variant, with
// poisoned buffers, through both recurrences (persistent and per step), in windows of steps,
// with f16 weights; and its determinism: bitwise the same across batch slices, unit tiles,
// batch tiles, runs, and the persistent kernel's fallback to per-step launches.
import LSTMCore
import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("GPU kernel family")
struct GPUFamilyTests {
    /// Per step, persistent with one group, and persistent with the device's default groups.
    static let recurrences: [GPUKernelTuning] = [
        GPUKernelTuning(persistent: false),
        GPUKernelTuning(persistentMaxBatch: 64, persistentGroups: 1),
        GPUKernelTuning(persistentMaxBatch: 64),
    ]

    /// The LSTM cases of the shared list (GRU cases: GPUFamilyGRUTests).
    static let lstmCases = ReferenceCase.all.filter { $0.configuration.cell == .lstm }

    static func backend(_ model: LSTMModel, _ tuning: GPUKernelTuning, precision: WeightPrecision = .float32,
                        windowSteps: Int? = nil) throws -> OpenCLBackend {
        let options = OpenCLBackendOptions(weightPrecision: precision, windowSteps: windowSteps, kernels: .gpu, gpuTuning: tuning)
        let backend = try OpenCLBackend(model: model, device: try Device.first(), options: options)
        backend.poisonsWorkspace = true
        return backend
    }

    static func compare(_ got: ForwardResult, _ expected: ForwardResult, _ tolerance: Tolerance) throws -> TensorComparison {
        let parts = try [(got.output, expected.output), (got.finalHidden, expected.finalHidden), (got.finalCell, expected.finalCell)]
            .map { a, b in
                TensorComparison(try Tensor(shape: [a.count], values: a), try Tensor(shape: [b.count], values: b), tolerance: tolerance)
            }
        return TensorComparison(merging: parts, tolerance: tolerance)
    }

    static func bits(_ result: ForwardResult) -> [UInt32] {
        (result.output + result.finalHidden + result.finalCell).map(\.bitPattern)
    }

    @Test("every variant matches the reference, per step and persistent", arguments: lstmCases.indices)
    func matchesReference(caseIndex: Int) throws {
        let testCase = Self.lstmCases[caseIndex]
        let (model, problem) = try testCase.make(seed: 900 + UInt64(caseIndex))
        let expected = try CPUReference(model: model).run(problem)
        var results: [[UInt32]] = []
        for tuning in Self.recurrences {
            let backend = try Self.backend(model, tuning)
            #expect(backend.family == .gpu)
            let got = try backend.run(problem)
            let comparison = try Self.compare(got, expected, .float32)
            #expect(comparison.passed, "\(testCase) \(tuning): \(comparison)")
            results.append(Self.bits(got))
        }
        #expect(results.allSatisfy { $0 == results[0] }, "\(testCase): the recurrences differ bitwise")
    }

    @Test("windows of 2 steps match the reference", arguments: lstmCases.indices)
    func windowed(caseIndex: Int) throws {
        let testCase = Self.lstmCases[caseIndex]
        let (model, problem) = try testCase.make(seed: 950 + UInt64(caseIndex))
        let expected = try CPUReference(model: model).run(problem)
        for tuning in Self.recurrences.prefix(2) {
            let got = try Self.backend(model, tuning, windowSteps: 2).run(problem)
            let comparison = try Self.compare(got, expected, .float32)
            #expect(comparison.passed, "\(testCase) \(tuning): \(comparison)")
        }
    }

    @Test("f16 weights match the reference within the f16 tolerance")
    func halfWeights() throws {
        let testCase = ReferenceCase(
            LSTMConfiguration(inputSize: 6, hiddenSize: 11, projectionSize: 5, layerCount: 2, bidirectional: true, hasPeepholes: true),
            steps: 5, batch: 4, lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 990)
        let expected = try CPUReference(model: model).run(problem)
        for tuning in Self.recurrences.prefix(2) {
            let got = try Self.backend(model, tuning, precision: .float16).run(problem)
            let comparison = try Self.compare(got, expected, .float16Weights)
            #expect(comparison.passed, "\(tuning): \(comparison)")
        }
    }

    @Test("bitwise the same across batch slices, unit tiles, batch tiles and runs")
    func deterministic() throws {
        // H = 300 > KPANEL: two panels of h; batch 6 leaves partial batch tiles.
        let testCase = ReferenceCase(
            LSTMConfiguration(inputSize: 12, hiddenSize: 300, layerCount: 2, bidirectional: true), steps: 3, batch: 6,
            lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 995)
        let reference = try Self.backend(model, GPUKernelTuning(units: 8, batchTile: 4, persistent: false))
        let whole = try reference.run(problem)
        #expect(Self.bits(try reference.run(problem)) == Self.bits(whole), "a second run differs")
        for tuning in [GPUKernelTuning(units: 1, batchTile: 1, persistent: false),
                       GPUKernelTuning(units: 2, batchTile: 3, persistentMaxBatch: 64, persistentGroups: 1)] {
            #expect(Self.bits(try Self.backend(model, tuning).run(problem)) == Self.bits(whole), "\(tuning) differs")
        }
        let width = 2 * 300
        for sequence in [0, 5] {
            let alone = try reference.run(problem.slice(sequences: sequence..<(sequence + 1)))
            for step in 0..<problem.steps {
                let start = (step * problem.batch + sequence) * width
                let row = Array(whole.output[start..<(start + width)]).map(\.bitPattern)
                #expect(row == Array(alone.output[(step * width)..<((step + 1) * width)]).map(\.bitPattern), "sequence \(sequence), step \(step)")
            }
        }
    }

    @Test("a persistent launch whose barrier times out falls back to per-step launches with the same bits")
    func timeoutFallsBack() throws {
        // More groups than the device runs at once, a short poll limit: the wait gives up
        // (on devices that run the groups one after another, always).
        let testCase = ReferenceCase(
            LSTMConfiguration(inputSize: 5, hiddenSize: 24, projectionSize: 5, layerCount: 2, bidirectional: true), steps: 4, batch: 3,
            lengths: true, states: true)
        let (model, problem) = try testCase.make(seed: 997)
        let perStep = try Self.backend(model, GPUKernelTuning(units: 1, persistent: false)).run(problem)
        let forced = try Self.backend(model, GPUKernelTuning(units: 1, spinLimit: 1, persistentGroups: 24))
        let got = try forced.run(problem)
        #expect(forced.persistentFallbacks >= 1, "the forced timeout did not happen")
        #expect(Self.bits(got) == Self.bits(perStep))
        let expected = try CPUReference(model: model).run(problem)
        #expect(try Self.compare(got, expected, .float32).passed)
    }

    @Test("non-standard gate functions run on the CPU family under auto and are refused by an explicit gpu; a GRU runs on gpu")
    func gateFunctionSelection() throws {
        let device = try Device.first()
        var configuration = LSTMConfiguration(inputSize: 3, hiddenSize: 5)
        configuration.gateFunctions = GateFunctions(clip: 2)
        let clipped = try LSTMModel.random(configuration, seed: 5)
        // On every device kind (on a GPU, auto would otherwise take the GPU family).
        #expect(try OpenCLBackend(model: clipped, device: device, options: OpenCLBackendOptions(kernels: .auto)).family == .cpu)
        #expect(throws: ShapeError.self) {
            try OpenCLBackend(model: clipped, device: device, options: OpenCLBackendOptions(kernels: .gpu))
        }
        let gru = try LSTMModel.random(LSTMConfiguration(cell: .gru, inputSize: 3, hiddenSize: 5), seed: 6)
        #expect(try OpenCLBackend(model: gru, device: device, options: OpenCLBackendOptions(kernels: .gpu)).family == .gpu)
    }

    @Test("auto picks the CPU family on CPU devices and the GPU family elsewhere")
    func selection() {
        #expect(KernelSelection.auto.family(for: .cpu) == .cpu)
        #expect(KernelSelection.auto.family(for: .gpu) == .gpu)
        #expect(KernelSelection.auto.family(for: .accelerator) == .gpu)
        #expect(KernelSelection.cpu.family(for: .gpu) == .cpu)
        #expect(KernelSelection.gpu.family(for: .cpu) == .gpu)
        #expect(KernelSelection(parsing: "GPU") == .gpu)
        #expect(KernelSelection(parsing: "fast") == nil)
    }
}

