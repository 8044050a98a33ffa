// The library's public face: a model bound to a backend, running forward passes.
import Foundation
import LSTMOpenCL
import OpenCLKit

/// An LSTM model ready to run on a chosen backend.
///
/// Thread safety: an engine may be shared between threads and tasks. Forward passes on the
/// OpenCL backend are serialised by an internal lock (they share device buffers and one
/// in-order queue), so concurrent callers get the same results as serial ones; the CPU
/// reference keeps no mutable state and runs concurrently.
public final class LSTMEngine: @unchecked Sendable {
    // @unchecked: `backend` is only touched under `lock` (OpenCL) or is immutable (CPU).
    /// The model this engine runs.
    public let model: LSTMModel
    /// The options it was built with.
    public let options: EngineOptions
    /// The OpenCL device in use, or `nil` on the CPU reference.
    public let device: Device?
    /// e.g. `cpu-reference` or `opencl:0 (pthread-haswell)`.
    public var backendName: String { backend.name }
    private let backend: LSTMBackend
    private let lock = NSLock()
    private let memoryLimit: Int?

    /// Binds `model` to a backend.
    ///
    /// - Throws: ``RuntimeError`` when the requested device does not exist, `OpenCLError`
    ///   (with the build log) when the kernels do not build.
    public init(model: LSTMModel, device selection: DeviceSelection = .auto, options: EngineOptions = .init()) throws {
        self.model = model
        self.options = options
        memoryLimit = try options.resolvedMemoryLimit()
        guard let device = try Self.resolve(selection, notice: options.notice) else {
            self.device = nil
            backend = CPUReference(model: model)
            return
        }
        self.device = device.device
        let tuning = options.tuning ?? TuningCache.shared.lookup(device: device.device, configuration: model.configuration, precision: options.weightPrecision)
        let gpuTuning = options.gpuTuning
            ?? GPUTuningCache.shared.lookup(device: device.device, configuration: model.configuration, precision: options.weightPrecision)
        let openCL = try OpenCLBackend(
            model: model, device: device.device, deviceIndex: device.index,
            options: OpenCLBackendOptions(
                weightPrecision: options.weightPrecision, tuning: tuning, kernels: options.kernels, gpuTuning: gpuTuning))
        openCL.poisonsWorkspace = options.poisonsWorkspace
        backend = openCL
    }

    /// Loads a safetensors file with `torch.nn.LSTM` state-dict names and binds it to a backend.
    public convenience init(weightsAt url: URL, device: DeviceSelection = .auto, options: EngineOptions = .init()) throws {
        let model = try LSTMModel(stateDict: SafeTensors.read(contentsOf: url))
        try self.init(model: model, device: device, options: options)
    }

    /// Runs the model over a batch of sequences.
    ///
    /// - Throws: `ShapeError` when the input does not fit the model, device errors otherwise.
    public func forward(_ input: LSTMInput) throws -> LSTMOutput {
        let problem = try ForwardProblem(input, configuration: model.configuration)
        return try run(problem).shaped(for: problem, batchFirst: input.batchFirst)
    }

    /// Runs a prepared problem, in chunks of sequences when it does not fit device memory.
    public func run(_ problem: ForwardProblem) throws -> ForwardResult {
        guard let openCL = backend as? OpenCLBackend, let device else { return try backend.run(problem) }
        let chunk = try chunkSize(problem, openCL, device)
        lock.lock()
        defer { lock.unlock() }
        if chunk >= problem.batch { return try openCL.run(problem) }
        var parts: [(range: Range<Int>, result: ForwardResult)] = []
        for start in stride(from: 0, to: problem.batch, by: chunk) {
            let range = start..<min(start + chunk, problem.batch)
            parts.append((range, try openCL.run(problem.slice(sequences: range))))
        }
        return ForwardProblem.merging(parts, for: problem)
    }

    /// The kernel tuning the OpenCL backend was built with, or `nil` on the CPU reference.
    public var kernelTuning: KernelTuning? { (backend as? OpenCLBackend)?.tuning }

    /// The kernel family running the model, or `nil` on the CPU reference.
    public var kernelFamily: KernelFamily? { (backend as? OpenCLBackend)?.family }

    /// The tuning of the kernels in use, described (`nil` on the CPU reference).
    public var kernelTuningDescription: String? {
        guard let openCL = backend as? OpenCLBackend else { return nil }
        return openCL.family == .gpu ? openCL.gpuTuning.description : openCL.tuning.description
    }

    /// Device bytes the activations of `steps` × `batch` need in one launch sequence, or
    /// `nil` on the CPU reference. Compare with ``EngineOptions/deviceMemoryLimit``.
    public func deviceBytes(steps: Int, batch: Int) -> Int? {
        (backend as? OpenCLBackend)?.workspaceFootprint(steps: steps, batch: batch).total
    }

    /// How many sequences of `problem` one launch sequence runs: the whole batch unless the
    /// memory cap forces chunks. Always the whole batch on the CPU reference.
    ///
    /// - Throws: ``RuntimeError/problemTooLarge(_:)`` when not even one sequence fits.
    public func sequencesPerChunk(for problem: ForwardProblem) throws -> Int {
        guard let openCL = backend as? OpenCLBackend, let device else { return problem.batch }
        return try chunkSize(problem, openCL, device)
    }

    /// The most sequences per launch sequence whose activations fit the memory cap and the
    /// device's largest allocation, rounded down to a multiple of the step kernel's row tile
    /// when at least one tile fits.
    private func chunkSize(_ problem: ForwardProblem, _ backend: OpenCLBackend, _ device: Device) throws -> Int {
        let budget = min(memoryLimit ?? Int.max, device.globalMemory / 10 * 9)
        func fits(_ batch: Int) -> Bool {
            let footprint = backend.workspaceFootprint(steps: problem.steps, batch: batch)
            return footprint.total <= budget && footprint.largest <= device.maxAllocation
        }
        guard fits(1) else {
            let needed = backend.workspaceFootprint(steps: problem.steps, batch: 1).total
            throw RuntimeError.problemTooLarge(
                "one sequence of \(problem.steps) steps needs \(needed) bytes of device memory, more than the \(budget) available on \(device.name); raise the limit (--memory-limit, \(EngineOptions.memoryLimitVariable)), use fewer steps, or use --device cpu")
        }
        if fits(problem.batch) { return problem.batch }
        var (low, high) = (1, problem.batch)  // fits(low) && !fits(high)
        while high - low > 1 {
            let middle = (low + high) / 2
            if fits(middle) { low = middle } else { high = middle }
        }
        // Chunks that start on a multiple of the step kernel's row tile put every sequence in
        // the same tile position as the whole run, so chunked results stay bitwise the same.
        let tile = max(1, backend.tuning.stepRows)
        return low >= tile ? low - low % tile : low
    }

    /// The device a selection names, with its index; `nil` means the CPU reference.
    static func resolve(_ selection: DeviceSelection, notice: (String) -> Void) throws -> (device: Device, index: Int)? {
        switch selection {
        case .cpu:
            return nil
        case .auto:
            let devices = (try? Device.all()) ?? []
            if let gpu = devices.firstIndex(where: { $0.kind == .gpu }) { return (devices[gpu], gpu) }
            if let first = devices.first { return (first, 0) }
            notice("no OpenCL device found; running on the CPU reference (\(RuntimeError.installHint))")
            return nil
        case .opencl(let index):
            let devices = try Device.all()
            guard !devices.isEmpty else { throw RuntimeError.noOpenCLDevice }
            let chosen = index ?? 0
            guard devices.indices.contains(chosen) else {
                throw RuntimeError.deviceIndexOutOfRange(index: chosen, available: devices.map(\.description))
            }
            return (devices[chosen], chosen)
        }
    }
}
