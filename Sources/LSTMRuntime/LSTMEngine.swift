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
    /// The same backend when it is an OpenCL device (kept typed for streaming sessions).
    let openCL: OpenCLBackend?
    /// The kernel tuning the OpenCL backend runs large batches with, or `nil` on the CPU
    /// reference (``kernelTuning(forBatch:)`` for another batch size).
    public let kernelTuning: KernelTuning?
    let lock = NSLock()
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
            kernelTuning = nil
            openCL = nil
            return
        }
        self.device = device.device
        let stored = options.tuning == nil
            ? TuningCache.shared.tunings(device: device.device, configuration: model.configuration, precision: options.weightPrecision)
            : [:]
        let gpuTuning = options.gpuTuning
            ?? GPUTuningCache.shared.lookup(device: device.device, configuration: model.configuration, precision: options.weightPrecision)
        let openCL = try OpenCLBackend(
            model: model, device: device.device, deviceIndex: device.index,
            options: OpenCLBackendOptions(
                weightPrecision: options.weightPrecision, tuning: options.tuning, tunings: stored,
                kernels: options.kernels, gpuTuning: gpuTuning))
        openCL.poisonsWorkspace = options.poisonsWorkspace
        backend = openCL
        self.openCL = openCL
        kernelTuning = openCL.tuning
    }

    /// The kernel family running the model, or `nil` on the CPU reference.
    public var kernelFamily: KernelFamily? { openCL?.family }

    /// The tuning of the kernels in use, described (`nil` on the CPU reference).
    public var kernelTuningDescription: String? {
        guard let openCL else { return nil }
        return openCL.family == .gpu ? openCL.gpuTuning.description : openCL.tuning.description
    }

    /// The kernel tuning a batch of `batch` sequences runs with, described (its batch
    /// class's; the GPU family's tuning on that family), or `nil` on the CPU reference.
    public func kernelTuningDescription(forBatch batch: Int) -> String? {
        guard let openCL else { return nil }
        return openCL.family == .gpu ? openCL.gpuTuning.description : openCL.tuning(forBatch: batch).description
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

    /// Runs a prepared problem, in batch slices when it does not fit device memory.
    public func run(_ problem: ForwardProblem) throws -> ForwardResult {
        guard backend.deviceMemory != nil else { return try backend.run(problem) }
        let slice = try sequencesPerSlice(for: problem)
        lock.lock()
        defer { lock.unlock() }
        if slice >= problem.batch { return try backend.run(problem) }
        var parts: [(range: Range<Int>, result: ForwardResult)] = []
        for start in stride(from: 0, to: problem.batch, by: slice) {
            let range = start..<min(start + slice, problem.batch)
            parts.append((range, try backend.run(problem.slice(sequences: range))))
        }
        return ForwardProblem.merging(parts, for: problem)
    }

    /// The kernel tuning a batch of `batch` sequences runs with (its batch class's), or
    /// `nil` on the CPU reference. ``kernelTuning`` is the large-batch one.
    public func kernelTuning(forBatch batch: Int) -> KernelTuning? { openCL?.tuning(forBatch: batch) }

    /// Device bytes the activations of `steps` × `batch` need in one launch sequence, or
    /// `nil` on the CPU reference. Compare with ``EngineOptions/deviceMemoryLimit``.
    public func deviceBytes(steps: Int, batch: Int) -> Int? {
        backend.deviceFootprint(steps: steps, batch: batch)?.total
    }

    /// How many sequences of `problem` one launch sequence runs (a batch slice): the whole
    /// batch unless the memory cap forces slices. Always the whole batch on the CPU reference.
    ///
    /// The most sequences whose activations fit the memory cap and the device's largest
    /// allocation, rounded down to a multiple of the backend's ``LSTMBackend/batchSliceAlignment``
    /// when at least that many fit.
    ///
    /// - Throws: ``RuntimeError/problemTooLarge(_:)`` when not even one sequence fits.
    public func sequencesPerSlice(for problem: ForwardProblem) throws -> Int {
        guard let memory = backend.deviceMemory else { return problem.batch }
        let budget = min(memoryLimit ?? Int.max, memory.total / 10 * 9)
        func footprint(_ batch: Int) -> (total: Int, largest: Int) {
            backend.deviceFootprint(steps: problem.steps, batch: batch) ?? (0, 0)
        }
        func fits(_ batch: Int) -> Bool {
            let needed = footprint(batch)
            return needed.total <= budget && needed.largest <= memory.largestAllocation
        }
        guard fits(1) else {
            throw RuntimeError.problemTooLarge(
                "one sequence of \(problem.steps) steps needs \(footprint(1).total) bytes of device memory, more than the \(budget) available on \(backend.name); raise the limit (--memory-limit, \(EngineOptions.memoryLimitVariable)), use fewer steps, or use --device cpu")
        }
        if fits(problem.batch) { return problem.batch }
        var (low, high) = (1, problem.batch)  // fits(low) && !fits(high)
        while high - low > 1 {
            let middle = (low + high) / 2
            if fits(middle) { low = middle } else { high = middle }
        }
        let alignment = backend.batchSliceAlignment
        return low >= alignment ? low - low % alignment : low
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
