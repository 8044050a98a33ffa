// Register tiles that take a block's gates a few at a time (`tileGates`, TILE_GATES): the
// shape for CPUs with 16 vector registers. Each output is still one fma chain over k in order
// from G or the bias, so every gate split must give bitwise the results of the whole-block
// tile, for the LSTM (peepholes, projection, f16 weights, both recurrence forms) and the GRU
// (both reset forms), with batches that leave partial tiles.
import LSTMCore
import LSTMTestSupport
@testable import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("Gate-split register tiles")
struct TileGatesTests {
    static let cases: [ReferenceCase] = [
        ReferenceCase(
            LSTMConfiguration(inputSize: 19, hiddenSize: 37, layerCount: 2, bidirectional: true, hasPeepholes: true),
            steps: 6, batch: 13, lengths: true, states: true),
        ReferenceCase(
            LSTMConfiguration(inputSize: 10, hiddenSize: 21, projectionSize: 7, layerCount: 2, bidirectional: true),
            steps: 5, batch: 8, lengths: true, states: true),
        ReferenceCase(LSTMConfiguration(inputSize: 23, hiddenSize: 29), steps: 7, batch: 1, lengths: false, states: true),
        ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: 9, hiddenSize: 27, layerCount: 2, bidirectional: true, linearBeforeReset: true),
            steps: 5, batch: 13, lengths: true, states: true),
        ReferenceCase(
            LSTMConfiguration(cell: .gru, inputSize: 14, hiddenSize: 19, bidirectional: true, linearBeforeReset: false),
            steps: 6, batch: 7, lengths: true, states: true),
    ]

    /// (case, weight precision, vector width): both precisions of an LSTM and a GRU case, and
    /// both vector widths among the precisions.
    static let runs: [(Int, WeightPrecision, Int)] = [
        (0, .float32, 8), (0, .float16, 16), (1, .float32, 16), (2, .float16, 8),
        (3, .float32, 8), (3, .float16, 16), (4, .float32, 16),
    ]

    /// The whole-block tile and two gate splits of it at one vector width, the splits and their
    /// tilings rotating with `rotation`, so the runs between them cover every split with every
    /// tiling (several row tiles per work-item, panel slices, the stepped and persistent forms)
    /// without building every combination: each build costs seconds on a cold program cache.
    static func tunings(width: Int, rotation: Int) -> [KernelTuning] {
        let tilings: [(Int) -> KernelTuning] = [
            { KernelTuning(vectorWidth: width, gemmRows: 6, gemmTiles: 2, tileGates: $0, stepRows: 6) },
            {
                KernelTuning(vectorWidth: width, gemmRows: 5, tileGates: $0, stepRows: 6, stepTiles: 2, panelSlice: 8,
                             persistentRecurrence: false)
            },
            {
                KernelTuning(vectorWidth: width, gemmRows: 6, gemmTiles: 3, tileGates: $0, stepRows: 3, stepTiles: 3,
                             panelSlice: 8, persistentProjection: true)
            },
        ]
        let splits = [1, 2, 3]
        let taken = [rotation % splits.count, (rotation + 1) % splits.count]
        return [KernelTuning(vectorWidth: width, gemmRows: 6, stepRows: 6)]
            + taken.map { index in tilings[(index + rotation) % tilings.count](splits[index]) }
    }

    @Test("every gate split gives bitwise the whole-block results, which match the reference",
          arguments: runs.indices)
    func bitwiseAcrossSplits(run: Int) throws {
        let (caseIndex, precision, width) = Self.runs[run]
        let testCase = Self.cases[caseIndex]
        let (model, problem) = try testCase.make(seed: 1300 + UInt64(caseIndex))
        let expected = try CPUReference(model: model).run(problem)
        let device = try Device.first()
        var first: ForwardResult?
        for tuning in Self.tunings(width: width, rotation: run) {
            let options = OpenCLBackendOptions(weightPrecision: precision, tuning: tuning)
            let backend = try OpenCLBackend(model: model, device: device, options: options)
            backend.poisonsWorkspace = true
            let result = try backend.run(problem)
            guard let first else {
                let tolerance: Tolerance = precision == .float16 ? .float16Weights : .float32
                let comparison = try OutputComparison.compare(result, expected, tolerance: tolerance)
                #expect(comparison.passed, "\(testCase) \(tuning): \(comparison)")
                first = result
                continue
            }
            #expect(result.output.map(\.bitPattern) == first.output.map(\.bitPattern), "output, \(testCase), \(tuning)")
            #expect(result.finalHidden.map(\.bitPattern) == first.finalHidden.map(\.bitPattern), "h_n, \(testCase), \(tuning)")
            #expect(result.finalCell.map(\.bitPattern) == first.finalCell.map(\.bitPattern), "c_n, \(testCase), \(tuning)")
        }
    }

    @Test("16 vector registers get 6 rows of 2 gates, 32 get 4 rows of every gate")
    func registerTileRule() {
        #expect(KernelTuning.registerTile(vectorRegisters: 16) == (6, 2))
        #expect(KernelTuning.registerTile(vectorRegisters: 32) == (4, 0))
    }

    @Test("the defaults take the register tile of the device's vector registers")
    func defaultsFollowRegisters() throws {
        let device = try Device.first()
        guard device.kind == .cpu else {
            #expect(KernelTuning.defaults(for: device) == KernelTuning.gpuDefault)
            return
        }
        let tile = KernelTuning.registerTile(vectorRegisters: KernelTuning.vectorRegisters(for: device))
        for batchClass in BatchClass.allCases {
            let tuning = KernelTuning.defaults(for: device, batchClass: batchClass)
            #expect(tuning.gemmRows == tile.rows && tuning.stepRows == tile.rows && tuning.tileGates == tile.tileGates, "\(batchClass): \(tuning)")
        }
        #expect(KernelTuning.vectorRegisters(for: device) == (device.nativeVectorWidthFloat >= 16 ? 32 : 16))
    }

    @Test("a gate split outside 0...4 is refused with a typed error")
    func outOfRange() throws {
        let model = try LSTMModel.random(LSTMConfiguration(inputSize: 3, hiddenSize: 5), seed: 1)
        #expect(throws: ShapeError.self) {
            _ = try OpenCLBackend(model: model, device: try Device.first(), options: OpenCLBackendOptions(tuning: KernelTuning(tileGates: 5)))
        }
    }
}
