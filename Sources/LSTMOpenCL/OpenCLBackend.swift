// The OpenCL backend: uploads packed weights once, then runs a forward pass layer by layer
// in chunks of steps (an input-projection GEMM per direction, then the recurrence: one
// persistent launch on CPU devices, one fused launch per step elsewhere), synchronising once.
import LSTMCore
import OpenCLKit

/// Options for building an ``OpenCLBackend``.
public struct OpenCLBackendOptions: Sendable {
    /// How weights are stored on the device.
    public var weightPrecision: WeightPrecision
    /// Tile and work-group sizes; `nil` uses the defaults for the device kind.
    public var tuning: KernelTuning?
    /// Time every launch with OpenCL profiling events (see ``OpenCLBackend/lastProfile``).
    /// Costs a little per launch; off for normal use.
    public var profiling: Bool
    /// Steps per chunk (input projection of the chunk, then its recurrence); `nil` sizes
    /// chunks so their input projections stay in cache. For tests and experiments.
    public var chunkSteps: Int?
    /// Which kernel family runs: `auto` picks by device type (``KernelSelection/family(for:)``).
    public var kernels: KernelSelection
    /// Tunables of the GPU family; `nil` uses ``GPUKernelTuning/defaults``.
    public var gpuTuning: GPUKernelTuning?

    /// Options with fp32 weights, the device kind's default tuning and no profiling unless given.
    public init(
        weightPrecision: WeightPrecision = .float32, tuning: KernelTuning? = nil, profiling: Bool = false, chunkSteps: Int? = nil,
        kernels: KernelSelection = .auto, gpuTuning: GPUKernelTuning? = nil
    ) {
        self.weightPrecision = weightPrecision
        self.tuning = tuning
        self.profiling = profiling
        self.chunkSteps = chunkSteps
        self.kernels = kernels
        self.gpuTuning = gpuTuning
    }
}

/// Runs an LSTM on one OpenCL device. Not thread-safe: callers serialise ``run(_:)``.
public final class OpenCLBackend: LSTMBackend {
    /// The device the kernels run on.
    public let device: Device
    /// The model whose packed weights live on the device.
    public let model: LSTMModel
    /// The options the backend was built with.
    public let options: OpenCLBackendOptions
    /// The tuning in use: the options' tuning, else ``KernelTuning/defaults(for:)``.
    public let tuning: KernelTuning
    /// The kernel family in use.
    public var family: KernelFamily { kernels.family }
    /// The GPU family's tuning in use (meaningful when ``family`` is `.gpu`).
    public let gpuTuning: GPUKernelTuning
    /// e.g. `opencl:0 (pthread-haswell)`.
    public let name: String
    let context: Context
    let queue: CommandQueue
    let kernels: FamilyKernels
    private var workspace: Workspace?
    private var plan: (any PassPlan)?

    /// Passes whose persistent GPU-family launches gave up at a grid barrier and were rerun
    /// with per-step launches (same results), since the current workspace was built.
    public var persistentFallbacks: Int { (plan as? GPUForwardPlan)?.fallbacks ?? 0 }

    /// Device time per kernel of the last forward pass when ``OpenCLBackendOptions/profiling`` is on.
    public private(set) var lastProfile: KernelProfile?

    /// When set, every buffer a forward pass must write is filled with NaN first, so an
    /// element a kernel fails to write shows up in verification instead of a stale value.
    public var poisonsWorkspace = false

    /// Compiles the kernels for the model's variant and uploads its packed weights.
    ///
    /// - Parameter deviceIndex: the device's position in `Device.all()`, for the name only.
    public init(model: LSTMModel, device: Device, deviceIndex: Int? = nil, options: OpenCLBackendOptions = .init()) throws {
        self.device = device
        self.model = model
        self.options = options
        let tuning = options.tuning ?? KernelTuning.defaults(for: device.kind)
        self.tuning = tuning
        name = "opencl" + (deviceIndex.map { ":\($0)" } ?? "") + " (\(device.name))"
        let context = try Context(device: device)
        let queue = try CommandQueue(context: context, profiling: options.profiling)
        self.context = context
        self.queue = queue
        let gpuTuning = options.gpuTuning ?? .defaults
        self.gpuTuning = gpuTuning
        kernels = try FamilyKernels(
            family: options.kernels.family(for: device.kind), model: model, precision: options.weightPrecision, tuning: tuning,
            gpuTuning: gpuTuning, context: context, queue: queue)
        try queue.finish()
    }

    /// Device bytes the activations of a problem of this shape need (total, largest buffer).
    public func workspaceFootprint(steps: Int, batch: Int) -> (total: Int, largest: Int) {
        let shared = Workspace.footprint(
            steps: steps, batch: batch, configuration: model.configuration, workers: kernels.recurrenceWorkers,
            chunkSteps: options.chunkSteps)
        let chunkSteps = Workspace.resolvedChunkSteps(options.chunkSteps, steps: steps, batch: batch, configuration: model.configuration)
        let extra = kernels.extraFootprint(steps: steps, batch: batch, chunkSteps: chunkSteps)
        return (shared.total + extra.total, max(shared.largest, extra.largest))
    }

    public func run(_ problem: ForwardProblem) throws -> ForwardResult {
        // Arrays shorter than the sizes claim would make the kernels read past what was written.
        try problem.validate(for: model.configuration)
        let (workspace, plan) = try prepared(steps: problem.steps, batch: problem.batch)
        if poisonsWorkspace { try poison(workspace, plan) }
        try upload(problem, to: workspace)
        let recorder = options.profiling ? ProfileRecorder() : nil
        try plan.enqueue(on: queue, recorder: recorder, reupload: { try upload(problem, to: workspace) })
        let result = try download(problem, from: workspace)
        if let recorder { lastProfile = try recorder.summary() }
        return result
    }

    /// The workspace and launch plan for this shape, reused while the shape stays the same.
    private func prepared(steps: Int, batch: Int) throws -> (Workspace, any PassPlan) {
        if let workspace, let plan, workspace.steps == steps, workspace.batch == batch { return (workspace, plan) }
        plan = nil  // release the old kernels and buffers before allocating new ones
        workspace = nil
        let fresh = try Workspace(
            steps: steps, batch: batch, configuration: model.configuration, workers: kernels.recurrenceWorkers,
            chunkSteps: options.chunkSteps, context: context)
        let freshPlan = try kernels.plan(workspace: fresh, context: context)
        workspace = fresh
        plan = freshPlan
        return (fresh, freshPlan)
    }

    private func poison(_ workspace: Workspace, _ plan: any PassPlan) throws {
        let written = workspace.layerOutputs + workspace.gates + workspace.projectionInputs
            + workspace.hidden.flatMap { $0.map { $0[1] } } + plan.writtenBuffers
        for buffer in written { try queue.fill(buffer, with: .nan) }
    }
}
