// `lstm tune --kernels gpu`: a search over the GPU kernel family's tunables (units per tile,
// sequences per work-group, persistent vs per-step recurrence), each candidate built as a
// fresh engine, checked against the default GPU tuning's fp32 output and timed. None of
// these tunables changes the accumulation order, so a correct candidate matches bitwise.
import LSTMRuntime

/// One GPU-family candidate's outcome.
public struct GPUTuningTrial: Sendable {
    public var tuning: GPUKernelTuning
    public var timing: TimingStatistics
    public var comparison: TensorComparison?
    /// Why the candidate was rejected, `nil` when accepted.
    public var rejection: String?

    public var accepted: Bool { rejection == nil }
}

/// What a GPU-family search found.
public struct GPUTuningOutcome: Sendable {
    public var device: Device
    public var deviceName: String
    public var trials: [GPUTuningTrial]
    /// The fastest accepted tuning, `nil` when none was accepted.
    public var best: GPUKernelTuning?
}

/// Searches the GPU family's tunings for one workload on one OpenCL device.
public struct GPUTuningSearch: Sendable {
    public var settings: BenchmarkSettings
    public var progress: @Sendable (String) -> Void

    public init(settings: BenchmarkSettings, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.progress = progress
    }

    /// The defaults, then each of units 1, 2, 4, 8, batch tiles 1, 2, 4, 8 and the other
    /// recurrence mode changed alone.
    public static func candidates(from base: GPUKernelTuning) -> [GPUKernelTuning] {
        func modified(_ change: (inout GPUKernelTuning) -> Void) -> GPUKernelTuning {
            var tuning = base
            change(&tuning)
            return tuning
        }
        let units = [1, 2, 4, 8].filter { $0 != base.units }.map { value in modified { $0.units = value } }
        let tiles = [1, 2, 4, 8].filter { $0 != base.batchTile }.map { value in modified { $0.batchTile = value } }
        return [base] + units + tiles + [modified { $0.persistent.toggle() }]
    }

    public func run(_ workload: Workload, device: DeviceSelection) throws -> GPUTuningOutcome {
        guard let openCLDevice = try device.resolvedDevice() else { throw RuntimeError.noOpenCLDevice }
        let model = try workload.model()
        let problem = try workload.problem()
        progress("default GPU tuning, fp32: reference output")
        let baseline = try LSTMEngine(
            model: model, device: device,
            options: EngineOptions(weightPrecision: .float32, notice: { _ in }, kernels: .gpu, gpuTuning: .defaults))
        let expected = try baseline.run(problem)
        var trials: [GPUTuningTrial] = []
        for tuning in Self.candidates(from: .defaults) where !trials.contains(where: { $0.tuning == tuning }) {
            progress("candidate \(trials.count + 1): \(tuning)")
            trials.append(measureCandidate(tuning, model, problem, device, expected))
        }
        let best = trials.filter(\.accepted).min { $0.timing.median < $1.timing.median }?.tuning
        return GPUTuningOutcome(device: openCLDevice, deviceName: baseline.backendName, trials: trials, best: best)
    }

    private func measureCandidate(
        _ tuning: GPUKernelTuning, _ model: LSTMModel, _ problem: ForwardProblem, _ device: DeviceSelection,
        _ expected: ForwardResult
    ) -> GPUTuningTrial {
        var timing = TimingStatistics()
        do {
            let options = EngineOptions(weightPrecision: settings.weightPrecision, notice: { _ in }, kernels: .gpu, gpuTuning: tuning)
            let engine = try LSTMEngine(model: model, device: device, options: options)
            var output = try engine.run(problem)
            for _ in 1..<max(1, settings.warmup) { output = try engine.run(problem) }
            let comparison = ResultComparison.compare(output, expected, tolerance: settings.tolerance)
            guard comparison.passed else {
                return GPUTuningTrial(tuning: tuning, timing: timing, comparison: comparison,
                                      rejection: "output differs from the default tuning: \(comparison)")
            }
            for _ in 0..<settings.repeats { timing.record(try measure { try engine.run(problem) }.milliseconds) }
            return GPUTuningTrial(tuning: tuning, timing: timing, comparison: comparison, rejection: nil)
        } catch {
            return GPUTuningTrial(tuning: tuning, timing: timing, comparison: nil, rejection: "\(error)")
        }
    }
}
