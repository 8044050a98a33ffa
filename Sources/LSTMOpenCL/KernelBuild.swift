// The compiled program of one model variant (cell, options, precision, tuning) and the
// geometry every cell's launches share.
import LSTMCore
import OpenCLKit

/// One program build and its shared launch geometry.
final class KernelBuild {
    let program: Program
    let configuration: LSTMConfiguration
    let precision: WeightPrecision
    let tuning: KernelTuning
    /// Units per block (the tuning's vector width, the kernels' VEC): the packing the
    /// kernels expect.
    let blockWidth: Int
    /// Hidden units rounded up to whole blocks of ``blockWidth``.
    let paddedHidden: Int
    /// Unit blocks: `paddedHidden / blockWidth`.
    let blocks: Int
    /// Work-groups of the persistent recurrence, or 0 when steps are launched one by one.
    let recurrenceWorkers: Int
    /// Work-groups of the persistent input projection (the recurrence's, when the tuning asks
    /// for it), or 0 for one work-item per row group and block.
    var projectionWorkers: Int { tuning.persistentProjection ? recurrenceWorkers : 0 }
    /// Whether the persistent recurrence computes the input projection itself
    /// (``KernelTuning/fuseInput``, honoured for LSTM cells on the persistent path): then no
    /// GEMM runs and G is not used.
    let fusesInput: Bool
    let context: Context

    init(context: Context, configuration: LSTMConfiguration, precision: WeightPrecision, tuning: KernelTuning) throws {
        let sizes = [tuning.gemmRows, tuning.stepRows, tuning.projectionRows, tuning.gemmLocal, tuning.stepLocal]
        guard sizes.allSatisfy({ (1...64).contains($0) }), (0...16).contains(tuning.wideBlocks), (0...4).contains(tuning.tileGates),
              (1...16).contains(tuning.gemmTiles), (1...16).contains(tuning.stepTiles), (0...4096).contains(tuning.panelSlice)
        else {
            throw ShapeError(
                "kernel tuning values must be in 1...64 (wideBlocks 0...16, tileGates 0...4, gemmTiles and stepTiles 1...16, panelSlice 0...4096), got \(tuning)")
        }
        guard WeightPacking.supportedBlockWidths.contains(tuning.vectorWidth) else {
            throw ShapeError("kernel vector width must be one of \(WeightPacking.supportedBlockWidths), got \(tuning.vectorWidth)")
        }
        let kernels = configuration.cell.kernels
        let workers = kernels.recurrenceWorkers(tuning: tuning, device: context.device)
        let fuses = Self.fusesInput(tuning: tuning, configuration: configuration, recurrenceWorkers: workers)
        let options = ([
            tuning.compilerDefinitions,
            fuses ? "-D FUSE_INPUT=1" : "",
            Self.prefetchDefinitions(tuning: tuning, deviceKind: context.device.kind, cacheLine: context.device.globalMemoryCacheLine),
            "-D WEIGHT_HALF=\(precision == .float16 ? 1 : 0)",
            "-D GATES=\(configuration.gateCount)",
            tuning.tileGatesDefinition(gates: configuration.gateCount) ?? "",
            "-D PANEL_SLICE=\(tuning.panelSliceDepth(gates: configuration.gateCount, weightBytes: precision == .float16 ? 2 : 4))",
        ] + kernels.definitions(configuration)).filter { !$0.isEmpty }.joined(separator: " ")
        let source = try ProgramCache.combinedSource(files: ProgramCache.sharedKernelFiles + kernels.kernelFiles)
        program = try ProgramCache.program(context: context, source: source, options: options)
        self.context = context
        self.configuration = configuration
        self.precision = precision
        self.tuning = tuning
        blockWidth = tuning.vectorWidth
        paddedHidden = WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: blockWidth)
        blocks = paddedHidden / blockWidth
        recurrenceWorkers = workers
        fusesInput = fuses
    }

    /// Whether a build of `tuning` computes the input projection inside the recurrence: asked
    /// for (``KernelTuning/fuseInput``), an LSTM, and a persistent recurrence
    /// (`recurrenceWorkers` > 0). Such a build neither runs the GEMM nor reads G.
    static func fusesInput(tuning: KernelTuning, configuration: LSTMConfiguration, recurrenceWorkers: Int) -> Bool {
        tuning.fuseInput && recurrenceWorkers > 0 && configuration.cell == .lstm
    }

    /// The definitions that turn on the recurrent product's slice prefetch
    /// (``KernelTuning/prefetchSlices``) with the device's cache line (`cacheLine` bytes; 0
    /// keeps the kernels' 64), for CPU devices only; empty otherwise.
    static func prefetchDefinitions(tuning: KernelTuning, deviceKind: DeviceKind, cacheLine: Int) -> String {
        guard tuning.prefetchSlices, deviceKind == .cpu else { return "" }
        return "-D PREFETCH_SLICES=1" + (cacheLine > 0 ? " -D CACHE_LINE=\(cacheLine)" : "")
    }

    /// Uploads weights, as half precision when the build stores them so.
    func uploadWeights(_ values: [Float], queue: CommandQueue) throws -> Buffer {
        if let halves = precision.encode(values) {
            let buffer = try Buffer(context: context, byteCount: halves.count * 2)
            try queue.write(halves, to: buffer)
            return buffer
        }
        return try uploadFloats(values, queue: queue)
    }

    /// Uploads float32 values (biases, peepholes: always full precision). An empty array
    /// uploads one zero, a placeholder for an argument the variant does not read.
    func uploadFloats(_ values: [Float], queue: CommandQueue) throws -> Buffer {
        let contents = values.isEmpty ? [0] : values
        let buffer = try Buffer(context: context, byteCount: contents.count * 4)
        try queue.write(contents, to: buffer)
        return buffer
    }

    /// Ints per synchronisation counter of the persistent kernels: one cache line each
    /// (SYNC_STRIDE in common.cl).
    static let syncStride = 16

    static func roundUp(_ value: Int, _ multiple: Int) -> Int {
        (value + multiple - 1) / multiple * multiple
    }

    static func tiles(_ count: Int, _ size: Int) -> Int { (count + size - 1) / size }
}
