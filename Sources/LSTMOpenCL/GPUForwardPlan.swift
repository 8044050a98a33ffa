// The launches of a whole forward pass of the GPU family for one workspace, built once.
// Per layer: the initial h goes into slot 0 of the direction's history; each chunk of steps
// runs the input-projection GEMM per direction, then the recurrence: one persistent launch
// per direction (small batches whose W_hh share fits on chip) or one gpu_step (+
// gpu_projection) launch per step and direction; at the end of the layer the final h and c
// are copied to where the shared download expects them (Workspace.hidden / cell).
// When a persistent launch gave up at a grid barrier (status set), the pass is run again,
// from the initial states, with the per-step kernels: same arithmetic, same results.
import LSTMCore
import OpenCLKit

/// A forward pass the OpenCL backend can enqueue, whichever kernel family built it.
protocol PassPlan: AnyObject {
    /// Enqueues the pass. `reupload` restores the problem's initial states on the device,
    /// for a plan that has to run the pass a second time.
    func enqueue(on queue: CommandQueue, recorder: ProfileRecorder?, reupload: () throws -> Void) throws
    /// Buffers beyond the shared Workspace that a pass must write (poisoned by verification).
    var writtenBuffers: [Buffer] { get }
}

extension ForwardPlan: PassPlan {
    func enqueue(on queue: CommandQueue, recorder: ProfileRecorder?, reupload: () throws -> Void) throws {
        try enqueue(on: queue, recorder: recorder)
    }

    var writtenBuffers: [Buffer] { [] }
}

/// Pre-built launches of a GPU-family forward pass over one ``Workspace``.
final class GPUForwardPlan: PassPlan {
    struct Direction {
        /// The GEMM's wide and narrow instances.
        let inputProjection: [Kernel]
        /// gpu_step launches for even and odd steps (cell-state parity).
        let steps: [Launch]
        let projection: Launch?
        let persistent: Kernel?
    }

    private let kernels: GPUKernelSet
    private let workspace: Workspace
    private let extra: GPUWorkspace
    private let layers: [[Direction]]
    private let chunks: [(firstStep: Int, steps: Int)]
    /// The persistent layout, or `nil` when this shape launches per step.
    let geometry: GPUKernelSet.PersistentGeometry?
    /// Passes whose persistent launches gave up and were rerun per step.
    private(set) var fallbacks = 0

    init(kernels: GPUKernelSet, cells: [[GPUDeviceCell]], workspace: Workspace, context: Context) throws {
        let configuration = kernels.configuration
        let batch = workspace.batch
        self.kernels = kernels
        self.workspace = workspace
        chunks = stride(from: 0, to: workspace.steps, by: workspace.chunkSteps).map {
            ($0, min(workspace.chunkSteps, workspace.steps - $0))
        }
        let geometry = kernels.persistentGeometry(batch: batch)
        self.geometry = geometry
        let launches = geometry == nil ? 0 : configuration.layerCount * configuration.directionCount * chunks.count
        let extra = try GPUWorkspace(
            steps: workspace.steps, batch: batch, configuration: configuration, launches: launches, groups: geometry?.groups ?? 0,
            context: context)
        self.extra = extra
        layers = try (0..<configuration.layerCount).map { layer in
            let input = layer == 0 ? workspace.input : workspace.layerOutputs[(layer - 1) % 2]
            let output = workspace.layerOutputs[layer % 2]
            return try (0..<configuration.directionCount).map { direction in
                let cell = cells[layer][direction]
                let reverse = direction == 1
                let offset = direction * configuration.outputSize
                let cellPair = [workspace.cell[layer][direction], extra.alternateCell[direction]]
                let steps = try (0..<2).map { parity in
                    try kernels.step(
                        reverse: reverse, batch: batch, cell: cell, gates: workspace.gates[direction],
                        history: extra.history[direction], cellIn: cellPair[parity], cellOut: cellPair[1 - parity],
                        output: output, outputOffset: offset, rawHidden: workspace.projectionInputs[direction],
                        lengths: workspace.lengths)
                }
                let projection = configuration.projectionSize == 0 ? nil : try kernels.projection(
                    reverse: reverse, batch: batch, cell: cell, rawHidden: workspace.projectionInputs[direction],
                    history: extra.history[direction], output: output, outputOffset: offset, lengths: workspace.lengths)
                let persistent = try geometry.map { geometry in
                    try kernels.persistent(
                        reverse: reverse, batch: batch, cell: cell, gates: workspace.gates[direction],
                        history: extra.history[direction], cellA: cellPair[0], cellB: cellPair[1], output: output,
                        outputOffset: offset, rawHistory: extra.rawHistory[direction], lengths: workspace.lengths,
                        sync: extra.sync, geometry: geometry)
                }
                return Direction(
                    inputProjection: try kernels.inputProjection(
                        input: input, batch: batch, inputSize: configuration.layerInputSize(layer), reverse: reverse, cell: cell,
                        gates: workspace.gates[direction], lengths: workspace.lengths),
                    steps: steps, projection: projection, persistent: persistent)
            }
        }
    }

    /// Device bytes of the family's extra buffers for a shape (see ``GPUWorkspace``).
    static func extraFootprint(kernels: GPUKernelSet, steps: Int, batch: Int, chunks: Int) -> (total: Int, largest: Int) {
        let configuration = kernels.configuration
        let geometry = kernels.persistentGeometry(batch: batch)
        let launches = geometry == nil ? 0 : configuration.layerCount * configuration.directionCount * chunks
        return GPUWorkspace.footprint(
            steps: steps, batch: batch, configuration: configuration, launches: launches, groups: geometry?.groups ?? 0)
    }

    var writtenBuffers: [Buffer] { extra.history + extra.alternateCell + extra.rawHistory }

    func enqueue(on queue: CommandQueue, recorder: ProfileRecorder?, reupload: () throws -> Void) throws {
        guard let geometry else { return try enqueuePass(persistent: nil, on: queue, recorder: recorder) }
        try queue.fill(extra.sync, with: 0)
        try enqueuePass(persistent: geometry, on: queue, recorder: recorder)
        let status: [Int32] = try queue.read(extra.sync, count: 1, zero: 0)
        guard status[0] != 0 else { return }
        fallbacks += 1
        try reupload()
        try enqueuePass(persistent: nil, on: queue, recorder: recorder)
    }

    private func enqueuePass(persistent: GPUKernelSet.PersistentGeometry?, on queue: CommandQueue, recorder: ProfileRecorder?) throws {
        let configuration = kernels.configuration
        let batch = workspace.batch
        let steps = workspace.steps
        let hiddenBytes = batch * configuration.outputSize * 4
        var launch = 0
        for (layer, directions) in layers.enumerated() {
            for direction in directions.indices {
                try queue.copy(from: workspace.hidden[layer][direction][0], to: extra.history[direction], byteCount: hiddenBytes)
            }
            for chunk in chunks {
                for direction in directions {
                    try kernels.enqueueInputProjection(
                        direction.inputProjection, firstStep: chunk.firstStep, steps: chunk.steps, batch: batch, on: queue,
                        recorder: recorder)
                }
                for direction in directions {
                    if let persistent, let kernel = direction.persistent {
                        try kernels.enqueuePersistent(
                            kernel, geometry: persistent, firstStep: chunk.firstStep, steps: chunk.steps,
                            flagOffset: extra.flagOffset(launch: launch), on: queue, recorder: recorder)
                        launch += 1
                    } else {
                        try enqueueSteps(direction, chunk, on: queue, recorder: recorder)
                    }
                }
            }
            for direction in directions.indices {
                try queue.copy(
                    from: extra.history[direction], sourceOffset: steps * extra.slotFloats * 4,
                    to: workspace.hidden[layer][direction][steps % 2], byteCount: hiddenBytes)
                if steps % 2 == 1 {
                    try queue.copy(
                        from: extra.alternateCell[direction], to: workspace.cell[layer][direction],
                        byteCount: batch * kernels.paddedHidden * 4)
                }
            }
        }
    }

    private func enqueueSteps(
        _ direction: Direction, _ chunk: (firstStep: Int, steps: Int), on queue: CommandQueue, recorder: ProfileRecorder?
    ) throws {
        for launch in direction.steps {
            try launch.kernel.setArgument(GPUKernelSet.stepArgument + 1, .int(Int32(chunk.firstStep)))
        }
        for step in chunk.firstStep..<(chunk.firstStep + chunk.steps) {
            let launch = direction.steps[step % 2]
            try launch.kernel.setArgument(GPUKernelSet.stepArgument, .int(Int32(step)))
            try launch.enqueue(on: queue, recorder: recorder)
            if let projection = direction.projection {
                try projection.kernel.setArgument(GPUKernelSet.projectionStepArgument, .int(Int32(step)))
                try projection.enqueue(on: queue, recorder: recorder)
            }
        }
    }
}
