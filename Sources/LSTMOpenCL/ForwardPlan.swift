// The launches of a whole forward pass for one workspace, built once: kernel objects with
// their arguments bound. Each layer runs in chunks of steps (input projection of the chunk,
// then its recurrence) so G stays in cache; a chunk costs two clSetKernelArg per kernel.
// On CPU devices a chunk's recurrence is one persistent launch; elsewhere there is one
// kernel object per hidden-state parity, so a timestep costs one clSetKernelArg (the step
// index) and one enqueue instead of ~17 argument calls.
import LSTMCore
import OpenCLKit

/// Pre-built launches of a forward pass over one ``Workspace``.
final class ForwardPlan {
    /// One layer-direction's per-step launches, shared by all chunks.
    struct StepLaunches {
        /// Step launches reading hidden buffer 0 and 1 (parity of the step index).
        let steps: [Launch]
        /// Projection launches per parity; empty without projection.
        let projections: [Launch]
    }

    /// How one layer's recurrence runs.
    enum Recurrence {
        /// Per chunk, all its steps and directions in one launch of this kernel.
        case persistent(Kernel)
        /// One launch (two with projection) per step and direction.
        case perStep([StepLaunches])
    }

    /// One layer: an input-projection kernel per direction, then the recurrence.
    struct Layer {
        let inputProjections: [Kernel]
        let recurrence: Recurrence
    }

    let layers: [Layer]
    /// (first step, steps) of each chunk, the same for every layer.
    let chunks: [(firstStep: Int, steps: Int)]
    let batch: Int
    private let kernels: LSTMKernelSet
    private let sync: Buffer

    init(kernels: LSTMKernelSet, deviceCells: [[DeviceCell]], workspace: Workspace) throws {
        let configuration = kernels.configuration
        let batch = workspace.batch
        self.kernels = kernels
        self.batch = batch
        sync = workspace.sync
        chunks = stride(from: 0, to: workspace.steps, by: workspace.chunkSteps).map {
            ($0, min(workspace.chunkSteps, workspace.steps - $0))
        }
        let directions = 0..<configuration.directionCount
        layers = try (0..<configuration.layerCount).map { layer in
            let layerInput = layer == 0 ? workspace.input : workspace.layerOutputs[(layer - 1) % 2]
            let layerOutput = workspace.layerOutputs[layer % 2]
            let cells = deviceCells[layer]
            let projections = try directions.map { direction in
                try kernels.inputProjection(
                    input: layerInput, batch: batch, inputSize: configuration.layerInputSize(layer), reverse: direction == 1,
                    cell: cells[direction], gates: workspace.gates[direction], lengths: workspace.lengths)
            }
            guard kernels.recurrenceWorkers > 0 else {
                let perStep = try directions.map { direction in
                    try Self.stepLaunches(
                        kernels: kernels, workspace: workspace, layer: layer, direction: direction,
                        cell: cells[direction], output: layerOutput)
                }
                return Layer(inputProjections: projections, recurrence: .perStep(perStep))
            }
            let recurrence = try kernels.recurrence(
                batch: batch, cells: cells, gates: workspace.gates, hidden: workspace.hidden[layer],
                cellStates: workspace.cell[layer], projectionInputs: workspace.projectionInputs, output: layerOutput,
                lengths: workspace.lengths, sync: workspace.sync)
            return Layer(inputProjections: projections, recurrence: .persistent(recurrence))
        }
    }

    private static func stepLaunches(
        kernels: LSTMKernelSet, workspace: Workspace, layer: Int, direction: Int, cell: DeviceCell, output: Buffer
    ) throws -> StepLaunches {
        let configuration = kernels.configuration
        let hidden = workspace.hidden[layer][direction]
        let reverse = direction == 1
        let outputOffset = direction * configuration.outputSize
        let steps = try (0..<2).map { parity in
            try kernels.step(
                reverse: reverse, batch: workspace.batch, cell: cell, gates: workspace.gates[direction],
                hiddenPrevious: hidden[parity], hiddenNext: hidden[1 - parity],
                cellState: workspace.cell[layer][direction], projectionInput: workspace.projectionInputs[direction],
                output: output, outputOffset: outputOffset, lengths: workspace.lengths)
        }
        let projections = configuration.projectionSize == 0 ? [] : try (0..<2).map { parity in
            try kernels.projection(
                reverse: reverse, batch: workspace.batch, cell: cell,
                hiddenPrevious: hidden[parity], hiddenNext: hidden[1 - parity],
                projectionInput: workspace.projectionInputs[direction],
                output: output, outputOffset: outputOffset, lengths: workspace.lengths)
        }
        return StepLaunches(steps: steps, projections: projections)
    }

    /// Enqueues every launch of the pass in order; nothing waits.
    func enqueue(on queue: CommandQueue, recorder: ProfileRecorder?) throws {
        for layer in layers {
            if case .persistent = layer.recurrence { try queue.fill(sync, with: 0) }
            for chunk in chunks {
                for kernel in layer.inputProjections {
                    try kernels.enqueueInputProjection(
                        kernel, firstStep: chunk.firstStep, steps: chunk.steps, batch: batch, on: queue, recorder: recorder)
                }
                switch layer.recurrence {
                case .persistent(let kernel):
                    try kernels.enqueueRecurrence(kernel, firstStep: chunk.firstStep, steps: chunk.steps, on: queue, recorder: recorder)
                case .perStep(let directions):
                    for direction in directions { try enqueueSteps(direction, chunk, on: queue, recorder: recorder) }
                }
            }
        }
    }

    private func enqueueSteps(
        _ launches: StepLaunches, _ chunk: (firstStep: Int, steps: Int), on queue: CommandQueue, recorder: ProfileRecorder?
    ) throws {
        for launch in launches.steps {
            try launch.kernel.setArgument(LSTMKernelSet.chunkStartArgument, .int(Int32(chunk.firstStep)))
        }
        for step in chunk.firstStep..<(chunk.firstStep + chunk.steps) {
            let parity = step % 2
            let launch = launches.steps[parity]
            try launch.kernel.setArgument(LSTMKernelSet.stepIndexArgument, .int(Int32(step)))
            try launch.enqueue(on: queue, recorder: recorder)
            guard !launches.projections.isEmpty else { continue }
            let projection = launches.projections[parity]
            try projection.kernel.setArgument(LSTMKernelSet.projectionStepIndexArgument, .int(Int32(step)))
            try projection.enqueue(on: queue, recorder: recorder)
        }
    }
}
