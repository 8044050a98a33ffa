// The launches of a whole forward pass for one workspace, built once: kernel objects with
// their arguments bound. Each layer runs in step windows (the input projection of the
// window, then its recurrence) so G stays in cache. The recurrence's launches come from
// the cell's kernels; a window costs a few clSetKernelArg per kernel and a step one per
// launch (the step index).
import LSTMCore
import OpenCLKit

/// Pre-built launches of a forward pass over one ``Workspace``.
final class ForwardPlan {
    /// One layer: an input-projection GEMM per direction (none when the recurrence does the
    /// projection itself), then the recurrence.
    struct Layer {
        let inputProjections: [InputProjection]
        let recurrence: LayerRecurrence
    }

    let layers: [Layer]
    /// (first step, steps) of each window, the same for every layer.
    let windows: [(firstStep: Int, steps: Int)]

    /// `rescuePolls` overrides the persistent recurrence's default (``OpenCLBackendOptions/rescuePolls``).
    init(kernels: CellKernels, workspace: Workspace, rescuePolls: Int? = nil) throws {
        let build = kernels.build
        let configuration = build.configuration
        windows = stride(from: 0, to: workspace.steps, by: workspace.windowSteps).map {
            ($0, min(workspace.windowSteps, workspace.steps - $0))
        }
        layers = try (0..<configuration.layerCount).map { layer in
            let layerInput = try workspace.layerInput(layer)
            let layerOutput = try workspace.layerOutput(layer)
            // Fused (KernelBuild.fusesInput), the recurrence does the input projection: no GEMM.
            let directions = build.fusesInput ? 0 : configuration.directionCount
            let projections = try (0..<directions).map { direction in
                let inputSide = kernels.inputSide(layer: layer, direction: direction)
                return try InputProjection(
                    build: build, input: layerInput, inputSize: configuration.layerInputSize(layer),
                    weights: inputSide.weights, copies: inputSide.copies, bias: inputSide.bias,
                    gates: workspace.buffer(.gates, direction),
                    lengths: workspace.buffer(.lengths), batch: workspace.batch, reverse: direction == 1,
                    workers: build.projectionWorkers)
            }
            let recurrence = try kernels.recurrence(layer: layer, workspace: workspace, output: layerOutput)
            if case .persistent(let kernel, _, _, _) = recurrence, let rescuePolls {
                try kernel.set("rescuePolls", .int(Int32(clamping: max(0, rescuePolls))))
            }
            return Layer(inputProjections: projections, recurrence: recurrence)
        }
    }

    /// Every kernel object of the pass.
    var kernels: [BoundKernel] {
        layers.flatMap { layer -> [BoundKernel] in
            let recurrence: [BoundKernel]
            switch layer.recurrence {
            case .persistent(let kernel, _, _, _): recurrence = [kernel]
            case .perStep(let directions): recurrence = directions.flatMap { $0.byParity.joined().map(\.kernel) }
            }
            return layer.inputProjections.map(\.kernel) + recurrence
        }
    }

    /// Enqueues every launch of the pass in order; nothing waits.
    func enqueue(on queue: CommandQueue, recorder: ProfileRecorder?) throws {
        for layer in layers {
            if case .persistent(_, _, let sync, _) = layer.recurrence { try queue.fill(sync, with: 0) }
            for case let claims? in layer.inputProjections.map(\.claims) { try queue.fill(claims, with: 0) }
            for window in windows {
                for projection in layer.inputProjections {
                    try projection.enqueue(firstStep: window.firstStep, steps: window.steps, on: queue, recorder: recorder)
                }
                switch layer.recurrence {
                case .persistent(let kernel, let workers, _, _):
                    try kernel.set("firstStep", window.firstStep)
                    try kernel.set("stepCount", window.steps)
                    try Launch(kernel: kernel, global: [workers], local: [1]).enqueue(on: queue, recorder: recorder)
                case .perStep(let directions):
                    for direction in directions { try enqueueSteps(direction, window, on: queue, recorder: recorder) }
                }
            }
            if case .persistent(_, _, _, let finalState) = layer.recurrence {
                for copy in finalState { try copy.enqueue(on: queue) }
            }
        }
    }

    private func enqueueSteps(
        _ launches: StepLaunches, _ window: (firstStep: Int, steps: Int), on queue: CommandQueue, recorder: ProfileRecorder?
    ) throws {
        for launch in launches.byParity.joined() where launch.kernel.signature.parameters.contains("windowStart") {
            try launch.kernel.set("windowStart", window.firstStep)
        }
        for step in window.firstStep..<(window.firstStep + window.steps) {
            for launch in launches.byParity[step % 2] {
                try launch.kernel.set("stepIndex", step)
                try launch.enqueue(on: queue, recorder: recorder)
            }
        }
    }
}
