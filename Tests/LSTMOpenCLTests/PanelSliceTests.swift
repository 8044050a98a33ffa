// Panel slicing: several register tiles of the GEMM (gemmTiles) or of the recurrent step
// (stepTiles) walk their weight panel together, one PANEL_SLICE-deep slice of k at a time.
// Each output is still one fma chain over k in order, so every grouping and slice depth must
// give bitwise the one-tile results, including groups that end in a partial tile, slices that
// do not divide K, both recurrence modes, f16 weights and the GRU (whose GEMM is shared).
// With f16 weights and several GEMM tiles the GEMM converts each slice once into private
// floats (GEMM_STAGED in input_projection.cl), so those runs also check the staged GEMM
// against the unstaged one-tile GEMM. Some groupings also prefetch each next slice of the
// recurrent panel (prefetchSlices), which must change nothing.
import LSTMCore
@testable import LSTMOpenCL
import LSTMTestSupport
import OpenCLKit
import Testing

@Suite("Panel slicing")
struct PanelSliceTests {
    static let cases = [
        // B = 13: groups of 2 tiles of 4 leave a 5-row group (one tile, then a single row).
        ReferenceCase(
            LSTMConfiguration(inputSize: 23, hiddenSize: 37, projectionSize: 9, layerCount: 2, bidirectional: true, hasPeepholes: true),
            steps: 5, batch: 13, lengths: true, states: true),
        ReferenceCase(LSTMConfiguration(inputSize: 70, hiddenSize: 45), steps: 4, batch: 37, lengths: false, states: true),
        ReferenceCase(LSTMConfiguration(cell: .gru, inputSize: 29, hiddenSize: 21, bidirectional: true), steps: 4, batch: 11,
                      lengths: true, states: true),
    ]

    /// The last field turns on the recurrent product's prefetch of each next slice
    /// (`prefetchSlices`): shares of 1-2 lines over 3 tiles at depth 1, several per tile at 7.
    static let groupings: [(gemmTiles: Int, stepTiles: Int, panelSlice: Int, prefetch: Bool)] = [
        (2, 2, 0, false), (3, 4, 7, true), (4, 16, 1000, false), (1, 3, 1, true), (16, 1, 0, false),
    ]

    /// (case, precision, vector widths): every program build is a cold compile in CI, so each
    /// case runs at the widths that exercise something new.
    static let runs: [(caseIndex: Int, precision: WeightPrecision, widths: [Int])] = [
        (0, .float32, [8, 16]), (0, .float16, [16]), (1, .float32, [16]), (2, .float32, [8]), (2, .float16, [16]),
    ]

    @Test("every grouping of tiles and slice depth gives bitwise the one-tile results", arguments: runs.indices)
    func bitwiseAcrossGroupings(runIndex: Int) throws {
        let (caseIndex, precision, widths) = Self.runs[runIndex]
        let testCase = Self.cases[caseIndex]
        let (model, problem) = try testCase.make(seed: 1300 + UInt64(caseIndex))
        let device = try Device.first()
        for width in widths {
            for persistent in [true, false] {
                let base = KernelTuning(vectorWidth: width, persistentRecurrence: persistent)
                let first = try run(model, problem, device: device, precision: precision, tuning: base)
                let expected = try CPUReference(model: model).run(problem)
                let tolerance: Tolerance = precision == .float16 ? .float16Weights : .float32
                let comparison = try OutputComparison.compare(first, expected, tolerance: tolerance)
                #expect(comparison.passed, "\(testCase) \(base): \(comparison)")
                for grouping in Self.groupings {
                    var tuning = base
                    tuning.gemmTiles = grouping.gemmTiles
                    tuning.stepTiles = grouping.stepTiles
                    tuning.panelSlice = grouping.panelSlice
                    tuning.prefetchSlices = grouping.prefetch
                    let result = try run(model, problem, device: device, precision: precision, tuning: tuning)
                    for (name, got, want) in [("output", result.output, first.output), ("h_n", result.finalHidden, first.finalHidden),
                                              ("c_n", result.finalCell, first.finalCell)] {
                        let difference = OutputComparison.firstDifference(got, want)
                        #expect(difference == nil, "\(testCase) \(precision) \(tuning), \(name) against \(base): \(difference ?? "")")
                    }
                }
            }
        }
    }

    @Test("a slice holds half an x86 L1 data cache of weights unless set")
    func sliceDepth() {
        #expect(KernelTuning(vectorWidth: 16).panelSliceDepth(gates: 4, weightBytes: 4) == 64)
        #expect(KernelTuning(vectorWidth: 8).panelSliceDepth(gates: 3, weightBytes: 2) == 341)
        #expect(KernelTuning(vectorWidth: 16, panelSlice: 24).panelSliceDepth(gates: 4, weightBytes: 4) == 24)
    }

    @Test("large batches' row tiles and GEMM tiles and a single sequence's GEMM tiles group as many as the L1 data cache holds")
    func largeBatchGroups() {
        // 16 tiles at VEC 16: 16 KiB of accumulators, a 16 KiB slice, 16 KiB of h rows.
        #expect(KernelTuning.sliceGroupTiles(vectorWidth: 16, level1DataBytes: 48 << 10) == 16)
        #expect(KernelTuning.sliceGroupTiles(vectorWidth: 16, level1DataBytes: 48 << 10 - 1) == 8)
        #expect(KernelTuning.sliceGroupTiles(vectorWidth: 16, level1DataBytes: 32 << 10) == 8)
        // VEC 8 slices are 128 deep, so the rows of h take more: 8 tiles need 36 KiB.
        #expect(KernelTuning.sliceGroupTiles(vectorWidth: 8, level1DataBytes: 48 << 10) == 8)
        #expect(KernelTuning.sliceGroupTiles(vectorWidth: 8, level1DataBytes: 32 << 10) == 4)
        #expect(KernelTuning.sliceGroupTiles(vectorWidth: 16, level1DataBytes: 16 << 10) == 4)
    }

    @Test("a single sequence's and a large batch's GEMM group their tiles by the host's L1, small batches keep four")
    func gemmTilesByClass() throws {
        let device = try Device.first()
        let level1DataBytes = HostCacheSizes.level1DataBytes ?? 32 << 10
        for batchClass in [BatchClass.single, .large] {
            let defaults = KernelTuning.defaults(for: device, batchClass: batchClass)
            #expect(defaults.gemmTiles == KernelTuning.sliceGroupTiles(
                vectorWidth: defaults.vectorWidth, level1DataBytes: level1DataBytes, rows: defaults.gemmRows))
        }
        #expect(KernelTuning.defaults(for: device, batchClass: .small).gemmTiles == 4)
    }

    @Test("large batches' panel slices take the L1 left beside the group's accumulators, in 16 KiB steps")
    func largeBatchSlices() {
        // 48 KiB at VEC 16 with 16 tiles of 4 rows: 16 KiB of accumulators, a 32 KiB slice.
        #expect(KernelTuning.largeBatchPanelSlice(vectorWidth: 16, level1DataBytes: 48 << 10, stepRows: 4, stepTiles: 16) == 128)
        // One byte less leaves room for one 16 KiB slice: the default (0).
        #expect(KernelTuning.largeBatchPanelSlice(vectorWidth: 16, level1DataBytes: 48 << 10 - 1, stepRows: 4, stepTiles: 16) == 0)
        // 32 KiB L1s (AMD Zen 3 at VEC 8 with 6-row tiles, Zen 4 at VEC 16) keep the default.
        #expect(KernelTuning.largeBatchPanelSlice(vectorWidth: 16, level1DataBytes: 32 << 10, stepRows: 4, stepTiles: 8) == 0)
        #expect(KernelTuning.largeBatchPanelSlice(vectorWidth: 8, level1DataBytes: 32 << 10, stepRows: 6, stepTiles: 4) == 0)
        // A 64 KiB L1 at VEC 8 with 8 tiles: 4 KiB of accumulators, a 48 KiB slice of 384 k.
        #expect(KernelTuning.largeBatchPanelSlice(vectorWidth: 8, level1DataBytes: 64 << 10, stepRows: 4, stepTiles: 8) == 384)
    }

    @Test("tile groups outside 1...16 are refused with a typed error")
    func outOfRange() throws {
        let model = try LSTMModel.random(LSTMConfiguration(inputSize: 4, hiddenSize: 8), seed: 5)
        for tuning in [KernelTuning(gemmTiles: 0), KernelTuning(stepTiles: 17), KernelTuning(panelSlice: -1)] {
            #expect(throws: ShapeError.self) {
                _ = try OpenCLBackend(model: model, device: try Device.first(), options: OpenCLBackendOptions(tuning: tuning))
            }
        }
    }

    private func run(
        _ model: LSTMModel, _ problem: ForwardProblem, device: Device, precision: WeightPrecision, tuning: KernelTuning
    ) throws -> ForwardResult {
        let backend = try OpenCLBackend(model: model, device: device, options: OpenCLBackendOptions(weightPrecision: precision, tuning: tuning))
        backend.poisonsWorkspace = true
        return try backend.run(problem)
    }
}
