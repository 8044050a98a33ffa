// The compiled program for one model variant and the launches of its three kernels.
import LSTMCore
import OpenCLKit

/// Kernels of one program build, with the launch geometry for each.
final class LSTMKernelSet {
    let program: Program
    let inputProjection: Kernel
    let step: Kernel
    let projection: Kernel
    let configuration: LSTMConfiguration
    let tuning: KernelTuning
    private let blocks: Int
    private let paddedHidden: Int

    init(context: Context, configuration: LSTMConfiguration, precision: WeightPrecision, tuning: KernelTuning) throws {
        let options = [
            tuning.compilerDefinitions,
            "-D WEIGHT_HALF=\(precision == .float16 ? 1 : 0)",
            "-D HAS_PEEPHOLES=\(configuration.hasPeepholes ? 1 : 0)",
            "-D HAS_PROJECTION=\(configuration.projectionSize > 0 ? 1 : 0)",
        ].joined(separator: " ")
        program = try ProgramCache.program(context: context, source: ProgramCache.combinedSource(), options: options)
        inputProjection = try program.kernel(named: "input_projection")
        step = try program.kernel(named: "lstm_step")
        projection = try program.kernel(named: "lstm_projection")
        self.configuration = configuration
        self.tuning = tuning
        paddedHidden = WeightPacking.paddedUnits(configuration.hiddenSize)
        blocks = paddedHidden / WeightPacking.blockWidth
    }

    private static func roundUp(_ value: Int, _ multiple: Int) -> Int {
        (value + multiple - 1) / multiple * multiple
    }

    private static func tiles(_ count: Int, _ size: Int) -> Int { (count + size - 1) / size }

    func enqueueInputProjection(queue: CommandQueue, input: Buffer, rows: Int, inputSize: Int, cell: DeviceCell, gates: Buffer) throws {
        try inputProjection.setArguments([
            .buffer(input), .int(Int32(rows)), .int(Int32(inputSize)), .int(Int32(inputSize)),
            .buffer(cell.inputWeights), .buffer(cell.bias), .buffer(gates), .int(Int32(blocks)),
        ])
        let local = tuning.gemmLocal
        let global = [Self.roundUp(Self.tiles(rows, tuning.gemmRows), local), blocks]
        try queue.enqueue(inputProjection, global: global, local: [local, 1])
    }

    // swiftlint:disable:next function_parameter_count
    func enqueueStep(
        queue: CommandQueue, step index: Int, reverse: Bool, batch: Int, cell: DeviceCell, gates: Buffer,
        hiddenPrevious: Buffer, hiddenNext: Buffer, cellState: Buffer, projectionInput: Buffer,
        output: Buffer, outputOffset: Int, lengths: Buffer
    ) throws {
        let outputSize = configuration.outputSize
        let outputStride = configuration.directionCount * outputSize
        try step.setArguments([
            .buffer(gates), .buffer(cell.recurrentWeights), .buffer(cell.peepholes),
            .buffer(hiddenPrevious), .buffer(hiddenNext), .buffer(cellState),
            .buffer(output), .buffer(projectionInput), .buffer(lengths),
            .int(Int32(batch)), .int(Int32(outputSize)), .int(Int32(configuration.hiddenSize)),
            .int(Int32(blocks)), .int(Int32(index)), .int(reverse ? 1 : 0),
            .int(Int32(outputStride)), .int(Int32(outputOffset)),
        ])
        let local = min(tuning.stepLocal, blocks)
        let global = [Self.tiles(batch, tuning.stepRows), Self.roundUp(blocks, local)]
        try queue.enqueue(step, global: global, local: [1, local])

        guard configuration.projectionSize > 0 else { return }
        try projection.setArguments([
            .buffer(projectionInput), .buffer(cell.projection), .buffer(hiddenPrevious), .buffer(hiddenNext),
            .buffer(output), .buffer(lengths),
            .int(Int32(batch)), .int(Int32(configuration.hiddenSize)), .int(Int32(paddedHidden)),
            .int(Int32(outputSize)), .int(Int32(index)), .int(reverse ? 1 : 0),
            .int(Int32(outputStride)), .int(Int32(outputOffset)),
        ])
        let projectionBlocks = WeightPacking.paddedUnits(outputSize) / WeightPacking.blockWidth
        try queue.enqueue(projection, global: [Self.tiles(batch, tuning.projectionRows), projectionBlocks], local: [1, 1])
    }
}
