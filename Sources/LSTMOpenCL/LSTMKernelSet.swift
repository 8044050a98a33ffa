// The compiled program for one model variant, the launch geometry of its kernels, and
// kernel objects with their arguments bound (see ForwardPlan.swift for their use). Kernel
// arguments are captured at enqueue, so the few that change per chunk or per step are set
// right before each enqueue on one kernel object.
import LSTMCore
import OpenCLKit

/// One launch: a kernel object with its arguments set, and its geometry.
struct Launch {
    let kernel: Kernel
    let global: [Int]
    let local: [Int]

    func enqueue(on queue: CommandQueue, recorder: ProfileRecorder?) throws {
        let event = try queue.enqueue(kernel, global: global, local: local, wantEvent: recorder != nil)
        recorder?.record(kernel.name, event)
    }
}

/// The program of one build (variant, precision, tuning) and the launches of its kernels.
final class LSTMKernelSet {
    let program: Program
    let configuration: LSTMConfiguration
    let tuning: KernelTuning
    let blocks: Int
    let paddedHidden: Int
    /// Work-groups of the persistent recurrence, or 0 when steps are launched one by one.
    let recurrenceWorkers: Int

    /// Index of the `step` argument of `lstm_step`, the one argument that changes per launch.
    static let stepIndexArgument = 13
    /// Index of the `chunkStart` argument of `lstm_step`: the step G's first row belongs to.
    static let chunkStartArgument = 17
    /// Index of the `step` argument of `lstm_projection`.
    static let projectionStepIndexArgument = 10

    init(context: Context, configuration: LSTMConfiguration, precision: WeightPrecision, tuning: KernelTuning) throws {
        let sizes = [tuning.gemmRows, tuning.stepRows, tuning.projectionRows, tuning.gemmLocal, tuning.stepLocal]
        guard sizes.allSatisfy({ (1...64).contains($0) }) else {
            throw ShapeError("kernel tuning values must be in 1...64, got \(tuning)")
        }
        let options = [
            tuning.compilerDefinitions,
            "-D WEIGHT_HALF=\(precision == .float16 ? 1 : 0)",
            "-D HAS_PEEPHOLES=\(configuration.hasPeepholes ? 1 : 0)",
            "-D HAS_PROJECTION=\(configuration.projectionSize > 0 ? 1 : 0)",
            configuration.gateFunctions.compilerDefinitions,
        ].filter { !$0.isEmpty }.joined(separator: " ")
        program = try ProgramCache.program(context: context, source: ProgramCache.combinedSource(), options: options)
        self.configuration = configuration
        self.tuning = tuning
        paddedHidden = WeightPacking.paddedUnits(configuration.hiddenSize)
        blocks = paddedHidden / WeightPacking.blockWidth
        recurrenceWorkers = Self.recurrenceWorkers(tuning: tuning, device: context.device)
    }

    /// One persistent worker per compute unit on CPU devices when the tuning asks for it
    /// (lstm_recurrence.cl states why only CPUs); 0 means per-step launches.
    static func recurrenceWorkers(tuning: KernelTuning, device: Device) -> Int {
        tuning.persistentRecurrence && device.kind == .cpu ? max(1, device.computeUnits) : 0
    }

    private static func roundUp(_ value: Int, _ multiple: Int) -> Int {
        (value + multiple - 1) / multiple * multiple
    }

    private static func tiles(_ count: Int, _ size: Int) -> Int { (count + size - 1) / size }

    /// The GEMM of one layer and direction; the chunk (rows and first step) is set by
    /// ``enqueueInputProjection(_:firstStep:steps:batch:on:recorder:)``. G rows are in step
    /// order (see input_projection.cl).
    func inputProjection(
        input: Buffer, batch: Int, inputSize: Int, reverse: Bool, cell: DeviceCell, gates: Buffer, lengths: Buffer
    ) throws -> Kernel {
        let kernel = try program.kernel(named: "input_projection")
        try kernel.setArguments([
            .buffer(input), .int(0), .int(Int32(inputSize)), .int(Int32(inputSize)),
            .buffer(cell.inputWeights), .buffer(cell.bias), .buffer(gates), .int(Int32(blocks)), .int(Int32(batch)),
            .buffer(lengths), .int(0), .int(reverse ? 1 : 0),
        ])
        return kernel
    }

    /// Enqueues an ``inputProjection(input:batch:inputSize:reverse:cell:gates:lengths:)``
    /// kernel over the `steps` steps from `firstStep`. Arguments are captured at enqueue, so
    /// one kernel object serves every chunk.
    func enqueueInputProjection(
        _ kernel: Kernel, firstStep: Int, steps: Int, batch: Int, on queue: CommandQueue, recorder: ProfileRecorder?
    ) throws {
        let rows = steps * batch
        try kernel.setArgument(1, .int(Int32(rows)))
        try kernel.setArgument(10, .int(Int32(firstStep)))
        let local = tuning.gemmLocal
        try Launch(kernel: kernel, global: [Self.roundUp(Self.tiles(rows, tuning.gemmRows), local), blocks], local: [local, 1])
            .enqueue(on: queue, recorder: recorder)
    }

    /// The fused step of one layer and direction reading `hiddenPrevious`; the caller sets
    /// the step index (argument ``stepIndexArgument``) before each enqueue.
    // swiftlint:disable:next function_parameter_count
    func step(
        reverse: Bool, batch: Int, cell: DeviceCell, gates: Buffer, hiddenPrevious: Buffer, hiddenNext: Buffer,
        cellState: Buffer, projectionInput: Buffer, output: Buffer, outputOffset: Int, lengths: Buffer
    ) throws -> Launch {
        let kernel = try program.kernel(named: "lstm_step")
        let outputSize = configuration.outputSize
        try kernel.setArguments([
            .buffer(gates), .buffer(cell.recurrentWeights), .buffer(cell.peepholes),
            .buffer(hiddenPrevious), .buffer(hiddenNext), .buffer(cellState),
            .buffer(output), .buffer(projectionInput), .buffer(lengths),
            .int(Int32(batch)), .int(Int32(outputSize)), .int(Int32(configuration.hiddenSize)),
            .int(Int32(blocks)), .int(0), .int(reverse ? 1 : 0),
            .int(Int32(configuration.directionCount * outputSize)), .int(Int32(outputOffset)), .int(0),
        ])
        let local = min(tuning.stepLocal, blocks)
        return Launch(kernel: kernel, global: [Self.tiles(batch, tuning.stepRows), Self.roundUp(blocks, local)], local: [1, local])
    }

    /// The persistent recurrence of one layer, every direction in one launch; `cells`,
    /// `gates`, `hidden` (ping-pong pairs), `cellStates` and `projectionInputs` are per
    /// direction. The chunk is set by ``enqueueRecurrence(_:firstStep:steps:on:recorder:)``.
    // swiftlint:disable:next function_parameter_count
    func recurrence(
        batch: Int, cells: [DeviceCell], gates: [Buffer], hidden: [[Buffer]], cellStates: [Buffer],
        projectionInputs: [Buffer], output: Buffer, lengths: Buffer, sync: Buffer
    ) throws -> Kernel {
        let kernel = try program.kernel(named: "lstm_recurrence")
        let last = cells.count - 1
        func pair(_ pick: (Int) -> Buffer) -> [KernelArgument] { [.buffer(pick(0)), .buffer(pick(last))] }
        let outputSize = configuration.outputSize
        let rowTiles = Self.tiles(batch, tuning.stepRows)
        let tilesPerStep = cells.count * rowTiles * blocks
        // The smallest claim: about 1/64 of a worker's share (claims start larger, see the kernel).
        let chunk = max(1, tilesPerStep / (recurrenceWorkers * 64))
        let arguments: [KernelArgument] = pair { gates[$0] } + pair { cells[$0].recurrentWeights } + pair { cells[$0].peepholes }
            + [.buffer(hidden[0][0]), .buffer(hidden[0][1]), .buffer(hidden[last][0]), .buffer(hidden[last][1])]
            + pair { cellStates[$0] } + pair { projectionInputs[$0] } + pair { cells[$0].projection }
            + [.buffer(output), .buffer(lengths), .buffer(sync)]
            + [batch, outputSize, configuration.hiddenSize, blocks, 0, 0, cells.count,
               configuration.directionCount * outputSize, chunk].map { .int(Int32($0)) }
        try kernel.setArguments(arguments)
        return kernel
    }

    /// Index of the `firstStep` argument of `lstm_recurrence` (`stepCount` follows).
    static let recurrenceFirstStepArgument = 23

    /// Enqueues a ``recurrence(batch:cells:gates:hidden:cellStates:projectionInputs:output:lengths:sync:)``
    /// kernel over the `steps` steps from `firstStep`.
    func enqueueRecurrence(_ kernel: Kernel, firstStep: Int, steps: Int, on queue: CommandQueue, recorder: ProfileRecorder?) throws {
        try kernel.setArgument(Self.recurrenceFirstStepArgument, .int(Int32(firstStep)))
        try kernel.setArgument(Self.recurrenceFirstStepArgument + 1, .int(Int32(steps)))
        try Launch(kernel: kernel, global: [recurrenceWorkers], local: [1]).enqueue(on: queue, recorder: recorder)
    }

    /// The projection finishing a step (models with `proj_size`); step index as for ``step``.
    // swiftlint:disable:next function_parameter_count
    func projection(
        reverse: Bool, batch: Int, cell: DeviceCell, hiddenPrevious: Buffer, hiddenNext: Buffer,
        projectionInput: Buffer, output: Buffer, outputOffset: Int, lengths: Buffer
    ) throws -> Launch {
        let kernel = try program.kernel(named: "lstm_projection")
        let outputSize = configuration.outputSize
        try kernel.setArguments([
            .buffer(projectionInput), .buffer(cell.projection), .buffer(hiddenPrevious), .buffer(hiddenNext),
            .buffer(output), .buffer(lengths),
            .int(Int32(batch)), .int(Int32(configuration.hiddenSize)), .int(Int32(paddedHidden)),
            .int(Int32(outputSize)), .int(0), .int(reverse ? 1 : 0),
            .int(Int32(configuration.directionCount * outputSize)), .int(Int32(outputOffset)),
        ])
        let projectionBlocks = WeightPacking.paddedUnits(outputSize) / WeightPacking.blockWidth
        return Launch(kernel: kernel, global: [Self.tiles(batch, tuning.projectionRows), projectionBlocks], local: [1, 1])
    }
}
