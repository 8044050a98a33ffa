// The OpenCL half of a cell's declaration (the other half is LSTMCore's
// RecurrentCellDeclaration): which kernel files its program needs, how its weights are
// packed and uploaded, which workspace buffers it adds, and the launches of one layer's
// recurrence. The input-projection GEMM, the step windows, transfers and batch slicing are
// shared by every cell.
import LSTMCore
import OpenCLKit

/// The kernels of one cell kind, with the model's packed weights on the device.
protocol CellKernels: AnyObject {
    /// Kernel files the program needs after common.cl and input_projection.cl.
    static var kernelFiles: [String] { get }
    /// Compiler definitions for this configuration beyond the shared ones.
    static func definitions(_ configuration: LSTMConfiguration) -> [String]
    /// Work-groups of a persistent recurrence for this device and tuning; 0 means one
    /// launch (or a few) per step.
    static func recurrenceWorkers(tuning: KernelTuning, device: Device) -> Int
    /// The workspace buffers this cell adds to the shared ones (`windowSteps` steps per window).
    static func workspaceBuffers(
        configuration: LSTMConfiguration, blockWidth: Int, batch: Int, steps: Int, windowSteps: Int, workers: Int
    ) -> [WorkspaceBuffer]

    /// Packs and uploads every layer-direction's weights of `model`.
    init(build: KernelBuild, model: LSTMModel, queue: CommandQueue) throws

    /// The program and shared geometry.
    var build: KernelBuild { get }
    /// Packed W_ih [Hp/VEC][K][VEC·gates], `copies` times over (one per worker of a persistent
    /// input projection, see InputProjection), and the bias folded into G, of one layer-direction.
    func inputSide(layer: Int, direction: Int) -> (weights: Buffer, copies: Int, bias: Buffer)
    /// The launches of layer `layer`'s recurrence over `workspace`, writing `output`.
    func recurrence(layer: Int, workspace: Workspace, output: Buffer) throws -> LayerRecurrence
}

extension CellKind {
    /// The OpenCL kernels of this cell.
    var kernels: CellKernels.Type {
        switch self {
        case .lstm: return LSTMCellKernels.self
        case .gru: return GRUCellKernels.self
        }
    }
}
