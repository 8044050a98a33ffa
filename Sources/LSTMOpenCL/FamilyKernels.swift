// The compiled kernels and packed weights of the family an OpenCLBackend runs: the one
// place where the backend tells the CPU family from the GPU family.
import LSTMCore
import OpenCLKit

/// One family's program and device weights.
enum FamilyKernels {
    case cpu(LSTMKernelSet, cells: [[DeviceCell]])
    case gpu(GPUKernelSet, cells: [[GPUDeviceCell]])

    /// Builds `family`'s program for the model and uploads its packed weights.
    init(family: KernelFamily, model: LSTMModel, precision: WeightPrecision, tuning: KernelTuning, gpuTuning: GPUKernelTuning,
         context: Context, queue: CommandQueue) throws {
        let configuration = model.configuration
        switch family {
        case .cpu:
            let kernels = try LSTMKernelSet(context: context, configuration: configuration, precision: precision, tuning: tuning)
            let cells = try model.cells.enumerated().map { layer, directions in
                try directions.map { cell in
                    try DeviceCell(cell, layer: layer, configuration: configuration, precision: precision, context: context, queue: queue)
                }
            }
            self = .cpu(kernels, cells: cells)
        case .gpu:
            let kernels = try GPUKernelSet(context: context, configuration: configuration, precision: precision, tuning: gpuTuning)
            let cells = try model.cells.enumerated().map { layer, directions in
                try directions.map { cell in
                    try GPUDeviceCell(cell, layer: layer, configuration: configuration, gates: GPUKernelSet.gates,
                                      precision: precision, context: context, queue: queue)
                }
            }
            self = .gpu(kernels, cells: cells)
        }
    }

    var family: KernelFamily {
        switch self {
        case .cpu: return .cpu
        case .gpu: return .gpu
        }
    }

    /// Work-groups of the CPU family's persistent recurrence (it sizes Workspace.sync); 0 for the GPU family,
    /// whose persistent kernel keeps its flags in its own workspace.
    var recurrenceWorkers: Int {
        if case .cpu(let kernels, _) = self { return kernels.recurrenceWorkers }
        return 0
    }

    /// The plan of a pass over `workspace`.
    func plan(workspace: Workspace, context: Context) throws -> any PassPlan {
        switch self {
        case .cpu(let kernels, let cells):
            return try ForwardPlan(kernels: kernels, deviceCells: cells, workspace: workspace)
        case .gpu(let kernels, let cells):
            return try GPUForwardPlan(kernels: kernels, cells: cells, workspace: workspace, context: context)
        }
    }

    /// Device bytes beyond the shared Workspace for a shape.
    func extraFootprint(steps: Int, batch: Int, chunkSteps: Int) -> (total: Int, largest: Int) {
        guard case .gpu(let kernels, _) = self else { return (0, 0) }
        let chunks = (steps + chunkSteps - 1) / max(1, chunkSteps)
        return GPUForwardPlan.extraFootprint(kernels: kernels, steps: steps, batch: batch, chunks: chunks)
    }
}
