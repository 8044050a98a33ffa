// The launches of a whole forward pass of the GPU family for one workspace, built once.
// Per layer: the initial h goes into slot 0 of the direction's history; each window of steps
// runs the input-projection GEMM per direction, then the recurrence: one persistent launch
// per direction (small batches whose W_hh share fits on chip) or one gpu_step (+
// gpu_projection) launch per step and direction (a GRU: gpu_gru_step, after gpu_gru_reset
// in the reset-first form); at the end of the layer the final h and c
// are copied to where the shared download expects them (Workspace.hidden / cell).
// When a persistent launch gave up at a grid barrier (status set), the pass is run again,
// from the initial states, with the per-step kernels: same arithmetic, same results.
import LSTMCore
import OpenCLKit

/// Pre-built launches of a GPU-family forward pass over one ``Workspace``.
final class GPUForwardPlan {
    struct Direction {
        /// The GEMM's wide and narrow instances.
        let inputProjection: [Kernel]
        /// Step launches for even and odd steps (an LSTM's cell-state parity; a GRU's two
        /// are the same launch).
        let steps: [GPULaunch]
        /// Index of `step` in the step launches (`windowStart` follows).
        let stepArgument: Int
        /// A GRU's reset-gate launch before each step (reset-first form).
        let reset: GPULaunch?
        let projection: GPULaunch?
        let persistent: Kernel?
    }

    private let kernels: GPUKernelSet
    /// The shared workspace this plan was built over.
    let workspace: Workspace
    private let extra: GPUWorkspace
    private let layers: [[Direction]]
    private let windows: [(firstStep: Int, steps: Int)]
    /// The persistent layout, or `nil` when this shape launches per step.
    let geometry: GPUKernelSet.PersistentGeometry?
    /// Passes whose persistent launches gave up and were rerun per step.
    private(set) var fallbacks = 0

    init(kernels: GPUKernelSet, weights: [[GPUDeviceWeights]], workspace: Workspace, context: Context) throws {
        let configuration = kernels.configuration
        let batch = workspace.batch
        self.kernels = kernels
        self.workspace = workspace
        windows = stride(from: 0, to: workspace.steps, by: workspace.windowSteps).map {
            ($0, min(workspace.windowSteps, workspace.steps - $0))
        }
        let geometry = kernels.persistentGeometry(batch: batch)
        self.geometry = geometry
        let launches = geometry == nil ? 0 : configuration.layerCount * configuration.directionCount * windows.count
        let extra = try GPUWorkspace(
            steps: workspace.steps, batch: batch, configuration: configuration, launches: launches, groups: geometry?.groups ?? 0,
            context: context)
        self.extra = extra
        layers = try (0..<configuration.layerCount).map { layer in
            let input = try workspace.layerInput(layer)
            let output = try workspace.layerOutput(layer)
            let lengths = try workspace.buffer(.lengths)
            return try (0..<configuration.directionCount).map { direction in
                let directionWeights = weights[layer][direction]
                let reverse = direction == 1
                let offset = direction * configuration.outputSize
                let inputProjection = try kernels.inputProjection(
                    input: input, batch: batch, inputSize: configuration.layerInputSize(layer), reverse: reverse, weights: directionWeights,
                    gates: try workspace.buffer(.gates, direction), lengths: lengths)
                guard configuration.cell == .lstm else {
                    return try Self.gruDirection(
                        kernels: kernels, workspace: workspace, history: extra.history[direction], unused: extra.alternateCell[direction],
                        weights: directionWeights, direction: direction, output: output, inputProjection: inputProjection)
                }
                let state = layer * configuration.directionCount + direction
                let cellPair = [try workspace.buffer(.cellState, state), extra.alternateCell[direction]]
                let gates = try workspace.buffer(.gates, direction)
                let raw = configuration.projectionSize > 0 ? try workspace.buffer(.projectionInput, direction) : extra.alternateCell[direction]
                let steps = try (0..<2).map { parity in
                    try kernels.step(
                        reverse: reverse, batch: batch, weights: directionWeights, gates: gates,
                        history: extra.history[direction], cellIn: cellPair[parity], cellOut: cellPair[1 - parity],
                        output: output, outputOffset: offset, rawHidden: raw,
                        lengths: lengths)
                }
                let projection = configuration.projectionSize == 0 ? nil : try kernels.projection(
                    reverse: reverse, batch: batch, weights: directionWeights, rawHidden: raw,
                    history: extra.history[direction], output: output, outputOffset: offset, lengths: lengths)
                let persistent = try geometry.map { geometry in
                    try kernels.persistent(
                        reverse: reverse, batch: batch, weights: directionWeights, gates: gates,
                        history: extra.history[direction], cellA: cellPair[0], cellB: cellPair[1], output: output,
                        outputOffset: offset, rawHistory: extra.rawHistory[direction], lengths: lengths,
                        sync: extra.sync, geometry: geometry)
                }
                return Direction(
                    inputProjection: inputProjection, steps: steps, stepArgument: GPUKernelSet.stepArgument, reset: nil,
                    projection: projection, persistent: persistent)
            }
        }
    }

    /// A GRU direction's per-step launches (GRUs have no persistent kernel).
    // swiftlint:disable:next function_parameter_count
    private static func gruDirection(
        kernels: GPUKernelSet, workspace: Workspace, history: Buffer, unused: Buffer, weights: GPUDeviceWeights, direction: Int,
        output: Buffer, inputProjection: [Kernel]
    ) throws -> Direction {
        let configuration = kernels.configuration
        let gates = try workspace.buffer(.gates, direction)
        let lengths = try workspace.buffer(.lengths)
        // r⊙h of the reset-first form, in the buffer the CPU family's GRU layout has for it
        // (the linear-before-reset form reads no such buffer: `unused` fills the argument).
        let resetHidden = configuration.linearBeforeReset ? unused : try workspace.buffer(.resetHidden, direction)
        let step = try kernels.gruStep(
            reverse: direction == 1, batch: workspace.batch, weights: weights, gates: gates, history: history, resetHidden: resetHidden,
            output: output, outputOffset: direction * configuration.hiddenSize, lengths: lengths)
        let reset = configuration.linearBeforeReset ? nil : try kernels.gruReset(
            batch: workspace.batch, weights: weights, gates: gates, history: history, resetHidden: resetHidden)
        return Direction(
            inputProjection: inputProjection, steps: [step, step], stepArgument: GPUKernelSet.gruStepArgument, reset: reset,
            projection: nil, persistent: nil)
    }

    /// Device bytes of the family's extra buffers for a shape (see ``GPUWorkspace``).
    static func extraFootprint(kernels: GPUKernelSet, steps: Int, batch: Int, windows: Int) -> (total: Int, largest: Int) {
        let configuration = kernels.configuration
        let geometry = kernels.persistentGeometry(batch: batch)
        let launches = geometry == nil ? 0 : configuration.layerCount * configuration.directionCount * windows
        return GPUWorkspace.footprint(
            steps: steps, batch: batch, configuration: configuration, launches: launches, groups: geometry?.groups ?? 0)
    }

    var writtenBuffers: [Buffer] { extra.history + extra.alternateCell + extra.rawHistory }

    func enqueue(on queue: CommandQueue, recorder: ProfileRecorder?, reupload: () throws -> Void) throws {
        guard let geometry else { return try enqueuePass(persistent: nil, on: queue, recorder: recorder) }
        try queue.fill(extra.sync, with: 0)
        try enqueuePass(persistent: geometry, on: queue, recorder: recorder)
        let status = try queue.read(extra.sync, count: 1, as: Int32.self)
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
            let firstState = layer * directions.count
            for direction in directions.indices {
                try queue.copy(
                    from: workspace.hidden(state: firstState + direction, parity: 0), to: extra.history[direction], byteCount: hiddenBytes)
            }
            for window in windows {
                for direction in directions {
                    try kernels.enqueueInputProjection(
                        direction.inputProjection, firstStep: window.firstStep, steps: window.steps, batch: batch, on: queue,
                        recorder: recorder)
                }
                for direction in directions {
                    if let persistent, let kernel = direction.persistent {
                        try kernels.enqueuePersistent(
                            kernel, geometry: persistent, firstStep: window.firstStep, steps: window.steps,
                            flagOffset: extra.flagOffset(launch: launch), on: queue, recorder: recorder)
                        launch += 1
                    } else {
                        try enqueueSteps(direction, window, on: queue, recorder: recorder)
                    }
                }
            }
            for direction in directions.indices {
                try queue.copy(
                    from: extra.history[direction], sourceOffset: steps * extra.slotFloats * 4,
                    to: workspace.hidden(state: firstState + direction, parity: steps % 2), byteCount: hiddenBytes)
                if steps % 2 == 1, configuration.cell == .lstm {
                    try queue.copy(
                        from: extra.alternateCell[direction], to: workspace.buffer(.cellState, firstState + direction),
                        byteCount: batch * kernels.paddedHidden * 4)
                }
            }
        }
    }

    private func enqueueSteps(
        _ direction: Direction, _ window: (firstStep: Int, steps: Int), on queue: CommandQueue, recorder: ProfileRecorder?
    ) throws {
        for launch in direction.steps {
            try launch.kernel.setArgument(direction.stepArgument + 1, .int(Int32(window.firstStep)))
        }
        try direction.reset?.kernel.setArgument(GPUKernelSet.gruResetStepArgument + 1, .int(Int32(window.firstStep)))
        for step in window.firstStep..<(window.firstStep + window.steps) {
            if let reset = direction.reset {
                try reset.kernel.setArgument(GPUKernelSet.gruResetStepArgument, .int(Int32(step)))
                try reset.enqueue(on: queue, recorder: recorder)
            }
            let launch = direction.steps[step % 2]
            try launch.kernel.setArgument(direction.stepArgument, .int(Int32(step)))
            try launch.enqueue(on: queue, recorder: recorder)
            if let projection = direction.projection {
                try projection.kernel.setArgument(GPUKernelSet.projectionStepArgument, .int(Int32(step)))
                try projection.enqueue(on: queue, recorder: recorder)
            }
        }
    }
}
