// The GPU family's program for one model variant and its launch builders (Kernels/gpu_*.cl;
// GPUForwardPlan.swift puts them in order). Kernel arguments are captured at enqueue, so the
// few that change per window or step are set right before each enqueue.
import Foundation
import LSTMCore
import LSTMKernels
import OpenCLKit

/// One GPU-family launch: a kernel with its arguments set, and its geometry.
struct GPULaunch {
    let kernel: Kernel
    let global: [Int]
    let local: [Int]

    func enqueue(on queue: CommandQueue, recorder: ProfileRecorder?) throws {
        let event = try queue.enqueue(kernel, global: global, local: local, wantEvent: recorder != nil)
        recorder?.record(kernel.name, event)
    }
}

/// The compiled GPU-family program of one build (variant, precision, tuning) and its launches.
final class GPUKernelSet {
    /// Kernel files of the family, concatenated in this order.
    static let kernelFiles = ["gpu_common.cl", "gpu_input_projection.cl", "gpu_step.cl", "gpu_persistent.cl", "gpu_gru.cl"]
    /// Appended to the build options when set (e.g. `-cl-nv-verbose` for register reports).
    static let extraOptionsVariable = "LSTM_GPU_BUILD_OPTIONS"
    /// When set to 1, the build log of each GPU-family program goes to stderr.
    static let printLogVariable = "LSTM_PRINT_BUILD_LOG"

    /// Slices K is split into (KSPLIT in gpu_common.cl): fixed by the model's recurrent size K
    /// (the determinism rule of gpu_common.cl), 16 from K = 512 on, halved until each slice has
    /// at least 32 terms below that (small models: fewer, busier work-items).
    static func kSplit(recurrentSize: Int) -> Int {
        var split = 16
        while split > 1, recurrentSize < 32 * split { split /= 2 }
        return split
    }
    /// Work-items of the input-projection GEMM's work-group, and the output tile sides of its
    /// wide and narrow instances.
    static let gemmThreads = 256
    static let gemmTile = 64
    static let narrowGemmTile = 16
    /// Windows of at most this many rows use the narrow GEMM (a 64-row tile would be mostly padding).
    static let narrowGemmRows = 32
    /// Values per sequence of the staged h panel (KPANEL) and ints per flag (FLAG_STRIDE).
    static let kPanel = 256
    static let flagStride = 32

    let program: Program
    let configuration: LSTMConfiguration
    let tuning: GPUKernelTuning
    let device: Device
    /// Gates per unit: an LSTM's i, f, g, o or a GRU's r, z, n.
    let gates: Int
    /// Units per recurrence tile, resolved for this device.
    let units: Int
    let paddedHidden: Int
    /// Gate rows N = gates · Hp.
    let gateRows: Int
    /// Work-items per recurrence work-group: units · gates · KSPLIT.
    let groupSize: Int
    /// Recurrence tiles per step: Hp / units.
    let tiles: Int
    /// KSPLIT of this model.
    let kSplit: Int

    init(context: Context, configuration: LSTMConfiguration, precision: WeightPrecision, tuning: GPUKernelTuning) throws {
        try tuning.validate()
        let device = context.device
        self.configuration = configuration
        self.tuning = tuning
        self.device = device
        gates = configuration.gateCount
        units = tuning.resolvedUnits(hiddenSize: configuration.hiddenSize, device: device)
        paddedHidden = WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: GPUWeightPacking.unitBlock)
        gateRows = gates * paddedHidden
        kSplit = Self.kSplit(recurrentSize: configuration.outputSize)
        groupSize = units * gates * kSplit
        tiles = paddedHidden / units
        guard groupSize <= device.maxWorkGroupSize, Self.gemmThreads <= device.maxWorkGroupSize else {
            throw ShapeError(
                "the GPU kernels need work-groups of \(max(groupSize, Self.gemmThreads)) work-items; \(device.name) allows \(device.maxWorkGroupSize) (try a smaller units tuning or --kernels cpu)")
        }
        var options = [
            "-D GATES=\(gates)", "-D UNITS=\(units)", "-D KSPLIT=\(kSplit)", "-D BATCH_TILE=\(tuning.batchTile)",
            "-D SPIN_LIMIT=\(tuning.spinLimit)",
            "-D WEIGHT_HALF=\(precision == .float16 ? 1 : 0)",
            "-D HAS_PEEPHOLES=\(configuration.hasPeepholes ? 1 : 0)",
            "-D HAS_PROJECTION=\(configuration.projectionSize > 0 ? 1 : 0)",
            "-D LINEAR_BEFORE_RESET=\(configuration.linearBeforeReset ? 1 : 0)",
        ]
        if let giveUp = tuning.forcedGiveUp {
            options += ["-D GIVE_UP_LAUNCH=\(giveUp.launch)", "-D GIVE_UP_PHASE=\(giveUp.phase)"]
        }
        let environment = ProcessInfo.processInfo.environment
        if let extra = environment[Self.extraOptionsVariable], !extra.isEmpty { options.append(extra) }
        program = try ProgramCache.program(context: context, source: try Self.source(), options: options.joined(separator: " "))
        if environment[Self.printLogVariable] == "1" {
            FileHandle.standardError.write(Data("build log (GPU family, \(options.joined(separator: " "))):\n\(program.buildLog())\n".utf8))
        }
    }

    /// The family's program source.
    static func source() throws -> String {
        try kernelFiles.map { file in
            guard let source = KernelSources.source(named: file) else {
                throw OpenCLError(call: "loading kernel source", code: -44, detail: "kernel file '\(file)' not found")
            }
            return source
        }.joined(separator: "\n")
    }

    static func tiles(_ count: Int, _ size: Int) -> Int { (count + size - 1) / size }

    /// Floats per hidden-history slot: B·K rounded up to 32 (one 128-byte line).
    static func slotFloats(batch: Int, width: Int) -> Int { (batch * width + 31) / 32 * 32 }

    // MARK: Input projection

    /// The GEMM of one layer and direction (wide and narrow instance); rows and first step are
    /// set per window by ``enqueueInputProjection(_:firstStep:steps:batch:on:recorder:)``.
    func inputProjection(input: Buffer, batch: Int, inputSize: Int, reverse: Bool, weights: GPUDeviceWeights, gates: Buffer,
                         lengths: Buffer) throws -> [Kernel] {
        try ["gpu_input_projection", "gpu_input_projection_narrow"].map { name in
            try inputProjection(named: name, input: input, batch: batch, inputSize: inputSize, reverse: reverse, weights: weights,
                                gates: gates, lengths: lengths)
        }
    }

    // swiftlint:disable:next function_parameter_count
    private func inputProjection(named name: String, input: Buffer, batch: Int, inputSize: Int, reverse: Bool,
                                 weights: GPUDeviceWeights, gates: Buffer, lengths: Buffer) throws -> Kernel {
        let kernel = try program.kernel(named: name)
        try kernel.setArguments([
            .buffer(input), .int(0), .int(Int32(inputSize)), .int(Int32(inputSize)),
            .buffer(weights.inputWeights), .buffer(weights.bias), .buffer(gates), .int(Int32(gateRows)), .int(Int32(batch)),
            .buffer(lengths), .int(0), .int(reverse ? 1 : 0),
        ])
        return kernel
    }

    /// Enqueues the instance of `kernels` (wide, narrow) that fits the window's row count.
    func enqueueInputProjection(
        _ kernels: [Kernel], firstStep: Int, steps: Int, batch: Int, on queue: CommandQueue, recorder: ProfileRecorder?
    ) throws {
        let rows = steps * batch
        let narrow = rows <= Self.narrowGemmRows
        let kernel = kernels[narrow ? 1 : 0]
        let tile = narrow ? Self.narrowGemmTile : Self.gemmTile
        try kernel.setArgument(1, .int(Int32(rows)))
        try kernel.setArgument(10, .int(Int32(firstStep)))
        let global = [Self.tiles(rows, tile) * Self.gemmThreads, Self.tiles(gateRows, tile)]
        try GPULaunch(kernel: kernel, global: global, local: [Self.gemmThreads, 1]).enqueue(on: queue, recorder: recorder)
    }

    // MARK: Per-step recurrence

    /// Index of `step` in `gpu_step` (`windowStart` follows).
    static let stepArgument = 13
    /// Index of `step` in `gpu_projection`.
    static let projectionStepArgument = 9

    /// The fused step of one layer and direction reading cell state `cellIn` and writing `cellOut`.
    // swiftlint:disable:next function_parameter_count
    func step(reverse: Bool, batch: Int, weights: GPUDeviceWeights, gates: Buffer, history: Buffer, cellIn: Buffer, cellOut: Buffer,
              output: Buffer, outputOffset: Int, rawHidden: Buffer, lengths: Buffer) throws -> GPULaunch {
        let kernel = try program.kernel(named: "gpu_step")
        let outputSize = configuration.outputSize
        try kernel.setArguments([
            .buffer(gates), .buffer(weights.recurrentWeights), .buffer(weights.peepholes), .buffer(history),
            .buffer(cellIn), .buffer(cellOut), .buffer(output), .buffer(rawHidden), .buffer(lengths),
        ] + [batch, outputSize, configuration.hiddenSize, paddedHidden, 0, 0, reverse ? 1 : 0,
             configuration.directionCount * outputSize, outputOffset, Self.slotFloats(batch: batch, width: outputSize)]
            .map { .int(Int32($0)) })
        return GPULaunch(kernel: kernel, global: [tiles * groupSize, Self.tiles(batch, tuning.batchTile)], local: [groupSize, 1])
    }

    /// The projection finishing a step (models with `proj_size`).
    func projection(reverse: Bool, batch: Int, weights: GPUDeviceWeights, rawHidden: Buffer, history: Buffer, output: Buffer,
                    outputOffset: Int, lengths: Buffer) throws -> GPULaunch {
        let kernel = try program.kernel(named: "gpu_projection")
        let outputSize = configuration.outputSize
        try kernel.setArguments([
            .buffer(rawHidden), .buffer(weights.projection), .buffer(history), .buffer(output), .buffer(lengths),
        ] + [batch, configuration.hiddenSize, paddedHidden, outputSize, 0, reverse ? 1 : 0,
             configuration.directionCount * outputSize, outputOffset, Self.slotFloats(batch: batch, width: outputSize)]
            .map { .int(Int32($0)) })
        let rows = units * gates
        return GPULaunch(kernel: kernel, global: [Self.tiles(outputSize, rows) * groupSize, Self.tiles(batch, tuning.batchTile)],
                      local: [groupSize, 1])
    }

    // MARK: Persistent recurrence

    /// How a persistent launch is laid out for one batch size.
    struct PersistentGeometry: Equatable {
        let groups: Int
        let tilesPerGroup: Int
        /// Bytes of the `wl` argument: a group's share of W_hh as float.
        let weightBytes: Int
    }

    /// The persistent layout for `batch`, or `nil` when the tuning, the batch or the device's
    /// local memory rule it out (then steps are launched one by one).
    func persistentGeometry(batch: Int) -> PersistentGeometry? {
        // The persistent kernel is the LSTM's; a GRU launches per step.
        guard configuration.cell == .lstm, tuning.persistent, batch <= tuning.persistentMaxBatch else { return nil }
        let wanted = tuning.persistentGroups > 0 ? tuning.persistentGroups : max(1, device.computeUnits)
        let perGroup = Self.tiles(tiles, min(wanted, tiles))
        let groups = Self.tiles(tiles, perGroup)
        let rows = units * gates
        let weightBytes = perGroup * configuration.outputSize * rows * 4
        // hs and partial of the kernel, its verdict int, and a margin for the compiler's own use.
        let fixedBytes = (tuning.batchTile * Self.kPanel + tuning.batchTile * kSplit * rows) * 4 + 4 + 1024
        guard weightBytes + fixedBytes <= device.localMemory else { return nil }
        return PersistentGeometry(groups: groups, tilesPerGroup: perGroup, weightBytes: weightBytes)
    }

    /// Index of `firstStep` in `gpu_persistent` (`stepCount` follows); `flagOffset` is last.
    static let persistentFirstStepArgument = 17
    static let persistentFlagOffsetArgument = 25

    // swiftlint:disable:next function_parameter_count
    func persistent(
        reverse: Bool, batch: Int, weights: GPUDeviceWeights, gates: Buffer, history: Buffer, cellA: Buffer, cellB: Buffer,
        output: Buffer, outputOffset: Int, rawHistory: Buffer, lengths: Buffer, sync: Buffer, geometry: PersistentGeometry
    ) throws -> Kernel {
        let kernel = try program.kernel(named: "gpu_persistent")
        let outputSize = configuration.outputSize
        let rawSlot = configuration.projectionSize > 0 ? Self.slotFloats(batch: batch, width: paddedHidden) : 0
        try kernel.setArguments([
            .buffer(gates), .buffer(weights.recurrentWeights), .buffer(weights.peepholes), .buffer(history),
            .buffer(cellA), .buffer(cellB), .buffer(output), .buffer(rawHistory), .buffer(weights.projection), .buffer(lengths),
            .buffer(sync), .local(bytes: max(4, geometry.weightBytes)),
        ] + [batch, outputSize, configuration.hiddenSize, paddedHidden, outputSize, 0, 0, reverse ? 1 : 0,
             configuration.directionCount * outputSize, outputOffset, Self.slotFloats(batch: batch, width: outputSize), rawSlot,
             geometry.tilesPerGroup, 0]
            .map { .int(Int32($0)) })
        return kernel
    }

    func enqueuePersistent(
        _ kernel: Kernel, geometry: PersistentGeometry, firstStep: Int, steps: Int, flagOffset: Int,
        on queue: CommandQueue, recorder: ProfileRecorder?
    ) throws {
        try kernel.setArgument(Self.persistentFirstStepArgument, .int(Int32(firstStep)))
        try kernel.setArgument(Self.persistentFirstStepArgument + 1, .int(Int32(steps)))
        try kernel.setArgument(Self.persistentFlagOffsetArgument, .int(Int32(flagOffset)))
        try GPULaunch(kernel: kernel, global: [geometry.groups * groupSize], local: [groupSize]).enqueue(on: queue, recorder: recorder)
    }
}
