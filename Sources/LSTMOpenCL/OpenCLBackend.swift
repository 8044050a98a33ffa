// The OpenCL backend: uploads packed weights once, then runs a forward pass as one GEMM
// per layer and direction plus one fused launch per timestep, synchronising once.
import LSTMCore
import OpenCLKit

/// Options for building an ``OpenCLBackend``.
public struct OpenCLBackendOptions: Sendable {
    /// How weights are stored on the device.
    public var weightPrecision: WeightPrecision
    /// Tile and work-group sizes; `nil` uses the defaults for the device kind.
    public var tuning: KernelTuning?

    public init(weightPrecision: WeightPrecision = .float32, tuning: KernelTuning? = nil) {
        self.weightPrecision = weightPrecision
        self.tuning = tuning
    }
}

/// Runs an LSTM on one OpenCL device. Not thread-safe: callers serialise ``run(_:)``.
public final class OpenCLBackend: LSTMBackend {
    public let device: Device
    public let model: LSTMModel
    public let options: OpenCLBackendOptions
    public let tuning: KernelTuning
    public let name: String
    let context: Context
    let queue: CommandQueue
    let kernels: LSTMKernelSet
    private let cells: [[DeviceCell]]
    private var workspace: Workspace?

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
        let tuning = options.tuning ?? .cpuDefault
        self.tuning = tuning
        name = "opencl" + (deviceIndex.map { ":\($0)" } ?? "") + " (\(device.name))"
        let context = try Context(device: device)
        let queue = try CommandQueue(context: context)
        self.context = context
        self.queue = queue
        kernels = try LSTMKernelSet(context: context, configuration: model.configuration,
                                    precision: options.weightPrecision, tuning: tuning)
        let configuration = model.configuration
        cells = try model.cells.enumerated().map { layer, directions in
            try directions.map { cell in
                try DeviceCell(cell, layer: layer, configuration: configuration,
                               precision: options.weightPrecision, context: context, queue: queue)
            }
        }
        try queue.finish()
    }

    /// Device bytes the activations of a problem of this shape need (total, largest buffer).
    public func workspaceFootprint(steps: Int, batch: Int) -> (total: Int, largest: Int) {
        Workspace.footprint(steps: steps, batch: batch, configuration: model.configuration)
    }

    public func run(_ problem: ForwardProblem) throws -> ForwardResult {
        let configuration = model.configuration
        guard problem.configuration == configuration else {
            throw ShapeError("problem was prepared for \(problem.configuration), model is \(configuration)")
        }
        let workspace = try workspace(steps: problem.steps, batch: problem.batch)
        if poisonsWorkspace { try poison(workspace) }
        try upload(problem, to: workspace)
        try enqueueForward(problem, workspace)
        return try download(problem, from: workspace)
    }

    private func workspace(steps: Int, batch: Int) throws -> Workspace {
        if let workspace, workspace.steps == steps, workspace.batch == batch { return workspace }
        workspace = nil  // release the old buffers before allocating new ones
        let fresh = try Workspace(steps: steps, batch: batch, configuration: model.configuration, context: context)
        workspace = fresh
        return fresh
    }

    private func poison(_ workspace: Workspace) throws {
        let written = workspace.layerOutputs + workspace.gates + [workspace.projectionInput]
            + workspace.hidden.flatMap { $0.map { $0[1] } }
        for buffer in written { try queue.fill(buffer, with: .nan) }
    }

    private func upload(_ problem: ForwardProblem, to workspace: Workspace) throws {
        let configuration = model.configuration
        let batch = problem.batch
        let (hiddenSize, outputSize) = (configuration.hiddenSize, configuration.outputSize)
        try queue.write(problem.sequence, to: workspace.input)
        try queue.write(problem.lengths.map { Int32($0) }, to: workspace.lengths)
        for layer in 0..<configuration.layerCount {
            for direction in 0..<configuration.directionCount {
                let state = layer * configuration.directionCount + direction
                let hidden = Array(problem.initialHidden[(state * batch * outputSize)..<((state + 1) * batch * outputSize)])
                try queue.write(hidden, to: workspace.hidden[layer][direction][0])
                let cell = Array(problem.initialCell[(state * batch * hiddenSize)..<((state + 1) * batch * hiddenSize)])
                try queue.write(WeightPacking.padRows(cell, rows: batch, width: hiddenSize), to: workspace.cell[layer][direction])
            }
        }
    }

    private func enqueueForward(_ problem: ForwardProblem, _ workspace: Workspace) throws {
        let configuration = model.configuration
        for layer in 0..<configuration.layerCount {
            let layerInput = layer == 0 ? workspace.input : workspace.layerOutputs[(layer - 1) % 2]
            let layerOutput = workspace.layerOutputs[layer % 2]
            for direction in 0..<configuration.directionCount {
                try kernels.enqueueInputProjection(
                    queue: queue, input: layerInput, rows: problem.steps * problem.batch,
                    inputSize: configuration.layerInputSize(layer), cell: cells[layer][direction],
                    gates: workspace.gates[direction])
            }
            for direction in 0..<configuration.directionCount {
                for step in 0..<problem.steps {
                    try kernels.enqueueStep(
                        queue: queue, step: step, reverse: direction == 1, batch: problem.batch,
                        cell: cells[layer][direction], gates: workspace.gates[direction],
                        hiddenPrevious: workspace.hidden[layer][direction][step % 2],
                        hiddenNext: workspace.hidden[layer][direction][(step + 1) % 2],
                        cellState: workspace.cell[layer][direction],
                        projectionInput: workspace.projectionInput,
                        output: layerOutput, outputOffset: direction * configuration.outputSize,
                        lengths: workspace.lengths)
                }
            }
        }
    }

    private func download(_ problem: ForwardProblem, from workspace: Workspace) throws -> ForwardResult {
        let configuration = model.configuration
        let batch = problem.batch
        let width = configuration.directionCount * configuration.outputSize
        let finalOutput = workspace.layerOutputs[(configuration.layerCount - 1) % 2]
        let output = try queue.readFloats(finalOutput, count: problem.steps * batch * width)
        var finalHidden: [Float] = []
        var finalCell: [Float] = []
        for layer in 0..<configuration.layerCount {
            for direction in 0..<configuration.directionCount {
                let last = workspace.hidden[layer][direction][problem.steps % 2]
                finalHidden += try queue.readFloats(last, count: batch * configuration.outputSize)
                let padded = try queue.readFloats(
                    workspace.cell[layer][direction], count: batch * WeightPacking.paddedUnits(configuration.hiddenSize))
                finalCell += WeightPacking.unpadRows(padded, rows: batch, width: configuration.hiddenSize)
            }
        }
        return ForwardResult(output: output, finalHidden: finalHidden, finalCell: finalCell)
    }
}
