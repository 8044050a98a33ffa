// The OpenCL backend: uploads packed weights once, then runs a forward pass layer by layer
// in step windows (an input-projection GEMM per direction, then the cell's recurrence: for
// an LSTM one persistent launch on CPU devices, one fused launch per step elsewhere),
// synchronising once.
import LSTMCore
import OpenCLKit

/// Options for building an ``OpenCLBackend``.
public struct OpenCLBackendOptions: Sendable {
    /// How weights are stored on the device.
    public var weightPrecision: WeightPrecision
    /// Tile and work-group sizes for every batch; `nil` uses ``tunings`` for the batch's
    /// class, else the device's defaults.
    public var tuning: KernelTuning?
    /// Tunings per batch class (as `lstm tune` stored them), used when ``tuning`` is `nil`.
    public var tunings: [BatchClass: KernelTuning]
    /// Time every launch with OpenCL profiling events (see ``OpenCLBackend/lastProfile``).
    /// Costs a little per launch; off for normal use.
    public var profiling: Bool
    /// Steps per window (input projection of the window, then its recurrence); `nil` sizes
    /// windows so their input projections stay in cache. For tests and experiments.
    public var windowSteps: Int?
    /// Which kernel family runs: `auto` picks by device type (``KernelSelection/family(for:)``).
    public var kernels: KernelSelection
    /// Tunables of the GPU family; `nil` uses ``GPUKernelTuning/defaults``.
    public var gpuTuning: GPUKernelTuning?
    /// Polls in which no tile of a step finishes before a waiting worker of the persistent
    /// CPU recurrence computes the tiles it waits for itself; `nil` is the tuned default. 0
    /// rescues at once, so both workers often compute the same tiles: for tests of that path.
    public var rescuePolls: Int?

    /// Options with fp32 weights, the device kind's default tuning and no profiling unless given.
    public init(
        weightPrecision: WeightPrecision = .float32, tuning: KernelTuning? = nil, tunings: [BatchClass: KernelTuning] = [:],
        profiling: Bool = false, windowSteps: Int? = nil, kernels: KernelSelection = .auto, gpuTuning: GPUKernelTuning? = nil,
        rescuePolls: Int? = nil
    ) {
        self.weightPrecision = weightPrecision
        self.tuning = tuning
        self.tunings = tunings
        self.profiling = profiling
        self.windowSteps = windowSteps
        self.kernels = kernels
        self.gpuTuning = gpuTuning
        self.rescuePolls = rescuePolls
    }
}

/// Runs an LSTM or GRU on one OpenCL device. Not thread-safe: callers serialise ``run(_:)``.
public final class OpenCLBackend: LSTMBackend {
    /// The device the kernels run on.
    public let device: Device
    /// The model whose packed weights live on the device.
    public let model: LSTMModel
    /// The options the backend was built with.
    public let options: OpenCLBackendOptions
    /// The tuning for large batches: the options' tuning, else its stored tuning for
    /// ``BatchClass/large``, else ``KernelTuning/defaults(for:batchClass:)``. Other batch
    /// classes may run another (``tuning(forBatch:)``).
    public let tuning: KernelTuning
    /// e.g. `opencl:0 (pthread-haswell)`.
    public let name: String
    let context: Context
    let queue: CommandQueue
    /// Kernels and packed weights built so far, one per tuning (batch classes may share
    /// one), each built when a batch of its class first runs.
    private var kernelsByTuning: [KernelTuning: CellKernels] = [:]
    private var workspace: Workspace?
    private var plan: ForwardPlan?
    private var planTuning: KernelTuning?
    /// The kernel family in use (``OpenCLBackendOptions/kernels`` resolved for the device).
    public let family: KernelFamily
    /// The GPU family's tuning (in use when ``family`` is `.gpu`).
    public let gpuTuning: GPUKernelTuning
    /// The GPU family's program and weights when ``family`` is `.gpu`. The CPU family's
    /// ``kernels`` are built too: streaming sessions run on them.
    private let gpu: GPUFamily?
    private var gpuPlan: GPUForwardPlan?

    /// Passes whose persistent GPU-family launches gave up at a grid barrier and were rerun
    /// with per-step launches (same results), since the current workspace was built.
    public var persistentFallbacks: Int { gpuPlan?.fallbacks ?? 0 }

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
        let family = try GPUFamily.resolve(options.kernels, configuration: model.configuration, device: device)
        self.family = family
        let tuning = Self.resolvedTuning(.large, options: options, device: device, configuration: model.configuration, family: family)
        self.tuning = tuning
        name = "opencl" + (deviceIndex.map { ":\($0)" } ?? "") + " (\(device.name))"
        let context = try Context(device: device)
        let queue = try CommandQueue(context: context, profiling: options.profiling)
        self.context = context
        self.queue = queue
        let gpuTuning = options.gpuTuning ?? .defaults
        self.gpuTuning = gpuTuning
        gpu = family == .gpu
            ? try GPUFamily(model: model, precision: options.weightPrecision, tuning: gpuTuning, context: context, queue: queue)
            : nil
        // The large-batch kernels and weights now, so that build errors surface here.
        _ = try kernels(for: tuning)
        try queue.finish()
    }

    /// The tuning a batch of `batch` sequences runs with: the options' tuning, else the
    /// stored tuning of its ``BatchClass``, else the device's defaults for that class.
    /// The defaults also decide, from the model's shape, whether the input projection is fused
    /// into the recurrence (``KernelTuning/fusesInputByDefault(configuration:tuning:batchClass:level2Bytes:lastLevelBytes:weightBytes:)``)
    /// and whether the recurrent product prefetches its panel slices
    /// (``KernelTuning/prefetchesSlicesByDefault(configuration:tuning:batchClass:level2Bytes:workers:weightBytes:)``).
    public func tuning(forBatch batch: Int) -> KernelTuning {
        Self.resolvedTuning(BatchClass(batch: batch), options: options, device: device, configuration: model.configuration, family: family)
    }

    private static func resolvedTuning(
        _ batchClass: BatchClass, options: OpenCLBackendOptions, device: Device, configuration: LSTMConfiguration,
        family: KernelFamily
    ) -> KernelTuning {
        if let chosen = options.tuning ?? options.tunings[batchClass] { return familyTuning(chosen, family) }
        var defaults = KernelTuning.defaults(for: device, batchClass: batchClass)
        if device.kind == .cpu, family == .cpu, let level2 = HostCacheSizes.level2Bytes {
            defaults.fuseInput = KernelTuning.fusesInputByDefault(
                configuration: configuration, tuning: defaults, batchClass: batchClass, level2Bytes: level2,
                lastLevelBytes: HostCacheSizes.lastLevelBytes, weightBytes: options.weightPrecision.byteWidth)
            defaults.prefetchSlices = KernelTuning.prefetchesSlicesByDefault(
                configuration: configuration, tuning: defaults, batchClass: batchClass, level2Bytes: level2,
                workers: device.computeUnits, weightBytes: options.weightPrecision.byteWidth)
        }
        return familyTuning(defaults, family)
    }

    /// The GPU family reads the CPU family's staging and state buffers with blocks of 8
    /// units, so a GPU-family backend keeps the CPU-family kernels at vector width 8.
    private static func familyTuning(_ tuning: KernelTuning, _ family: KernelFamily) -> KernelTuning {
        guard family == .gpu else { return tuning }
        var pinned = tuning
        pinned.vectorWidth = 8
        return pinned
    }

    /// The program and packed weights of `tuning`, built on first use.
    private func kernels(for tuning: KernelTuning) throws -> CellKernels {
        if let built = kernelsByTuning[tuning] { return built }
        let build = try KernelBuild(context: context, configuration: model.configuration,
                                    precision: options.weightPrecision, tuning: tuning)
        let built = try model.configuration.cell.kernels.init(build: build, model: model, queue: queue)
        kernelsByTuning[tuning] = built
        return built
    }

    /// Device bytes the activations of a problem of this shape need (total, largest buffer).
    public func workspaceFootprint(steps: Int, batch: Int) -> (total: Int, largest: Int) {
        let layout = layout(steps: steps, batch: batch)
        guard let gpu else { return layout.footprint }
        let windows = (steps + layout.windowSteps - 1) / max(1, layout.windowSteps)
        let extra = GPUForwardPlan.extraFootprint(kernels: gpu.kernels, steps: steps, batch: batch, windows: windows)
        return (layout.footprint.total + extra.total, max(layout.footprint.largest, extra.largest))
    }

    public func deviceFootprint(steps: Int, batch: Int) -> (total: Int, largest: Int)? {
        workspaceFootprint(steps: steps, batch: batch)
    }

    public var deviceMemory: DeviceMemory? {
        DeviceMemory(total: device.globalMemory, largestAllocation: device.maxAllocation)
    }

    /// The step kernel's row tile: a batch slice starting on a multiple of it puts every
    /// sequence in the same tile position as the whole run. (Results do not depend on the
    /// tile at all — every output is one fma chain in k order — so slices of another batch
    /// class, hence another tuning, are bitwise equal too; VectorWidthTests checks it.)
    public var batchSliceAlignment: Int { max(1, tuning.stepRows) }

    private func layout(steps: Int, batch: Int) -> WorkspaceLayout {
        let tuning = tuning(forBatch: batch)
        let cellKernels = model.configuration.cell.kernels
        let workers = cellKernels.recurrenceWorkers(tuning: tuning, device: device)
        // The GPU family always reads G; the CPU family's fused recurrence never does.
        let readsGates = family == .gpu
            || !KernelBuild.fusesInput(tuning: tuning, configuration: model.configuration, recurrenceWorkers: workers)
        return WorkspaceLayout(
            steps: steps, batch: batch, configuration: model.configuration, blockWidth: tuning.vectorWidth,
            kernels: cellKernels, workers: workers, windowSteps: options.windowSteps, readsGates: readsGates)
    }

    public func run(_ problem: ForwardProblem) throws -> ForwardResult {
        // Arrays shorter than the sizes claim would make the kernels read past what was written.
        try problem.validate(for: model.configuration)
        let (workspace, plan) = try prepared(steps: problem.steps, batch: problem.batch)
        let gpuPlan = try preparedGPUPlan(workspace)
        if poisonsWorkspace { try poison(workspace, gpuPlan) }
        let recorder = options.profiling ? ProfileRecorder() : nil
        if gpuPlan == nil, runsInHostMemory(problem) {
            let result = try runInHostMemory(problem, workspace: workspace, plan: plan, recorder: recorder)
            if let recorder { lastProfile = try recorder.summary() }
            return result
        }
        try upload(problem, to: workspace)
        if let gpuPlan {
            try gpuPlan.enqueue(on: queue, recorder: recorder, reupload: { try upload(problem, to: workspace) })
        } else {
            try plan.enqueue(on: queue, recorder: recorder)
        }
        let result = try download(problem, from: workspace)
        if let recorder { lastProfile = try recorder.summary() }
        return result
    }

    /// The workspace and launch plan for this shape, reused while the shape stays the same.
    /// The batch picks the tuning (its class's), whose kernels and packed weights are built
    /// on first use.
    func prepared(steps: Int, batch: Int) throws -> (Workspace, ForwardPlan) {
        let tuning = tuning(forBatch: batch)
        if let workspace, let plan, workspace.steps == steps, workspace.batch == batch, planTuning == tuning {
            return (workspace, plan)
        }
        discardPlan()  // release the old kernels and buffers before allocating new ones
        let cellKernels = try kernels(for: tuning)
        let fresh = try Workspace(layout: layout(steps: steps, batch: batch), context: context)
        let freshPlan = try ForwardPlan(kernels: cellKernels, workspace: fresh, rescuePolls: options.rescuePolls)
        workspace = fresh
        plan = freshPlan
        planTuning = tuning
        return (fresh, freshPlan)
    }

    /// Drops the workspace and plan, so that the next pass builds them afresh.
    func discardPlan() {
        plan = nil
        gpuPlan = nil
        workspace = nil
        planTuning = nil
    }

    /// The GPU family's plan over `workspace` (built once per workspace), or `nil` for the CPU family.
    private func preparedGPUPlan(_ workspace: Workspace) throws -> GPUForwardPlan? {
        guard let gpu else { return nil }
        if let gpuPlan, gpuPlan.workspace === workspace { return gpuPlan }
        let fresh = try GPUForwardPlan(kernels: gpu.kernels, weights: gpu.weights, workspace: workspace, context: context)
        gpuPlan = fresh
        return fresh
    }

    private func poison(_ workspace: Workspace, _ gpuPlan: GPUForwardPlan?) throws {
        for buffer in workspace.writtenByPass + (gpuPlan?.writtenBuffers ?? []) { try queue.fill(buffer, with: .nan) }
    }
}
