// Times a workload on several backends: the CPU reference runs first and doubles as the
// oracle every other device's output is checked against; then each device is warmed up
// and timed around `LSTMEngine.run`, which is what a user's forward pass costs.
import LSTMRuntime

/// How many passes to run and how weights are stored.
public struct BenchmarkSettings: Sendable {
    /// Timed passes per device.
    public var repeats: Int
    /// Untimed passes before timing (program specialisation, buffer allocation, caches).
    public var warmup: Int
    /// Weight storage on OpenCL devices.
    public var weightPrecision: WeightPrecision
    /// A CPU-reference pass slower than this is timed once, not `repeats` times.
    public var slowReferenceSeconds: Double
    /// Kernel families each OpenCL device is timed with, in order (duplicates after
    /// resolution, such as `auto` and `cpu` on a CPU device, are timed once).
    public var kernels: [KernelSelection]

    /// Settings; `repeats` is at least 1 and `warmup` at least 0.
    public init(repeats: Int = 5, warmup: Int = 1, weightPrecision: WeightPrecision = .float32, slowReferenceSeconds: Double = 5,
                kernels: [KernelSelection] = [.auto]) {
        self.kernels = kernels.isEmpty ? [.auto] : kernels
        self.repeats = max(1, repeats)
        self.warmup = max(0, warmup)
        self.weightPrecision = weightPrecision
        self.slowReferenceSeconds = slowReferenceSeconds
    }

    /// The tolerance a device is held to at this precision.
    public var tolerance: Tolerance { weightPrecision == .float16 ? .float16Weights : .float32 }
}

/// Runs workloads on a list of backends and reports one ``BenchmarkResult`` per backend.
public struct BenchmarkRunner: Sendable {
    /// Passes, precision and the slow-reference threshold.
    public var settings: BenchmarkSettings
    /// Receives a line before each long step (for a progress display).
    public var progress: @Sendable (String) -> Void
    /// Receives engine notices (such as `auto` falling back to the CPU).
    public var notice: @Sendable (String) -> Void

    /// A runner with these settings; progress and notices are dropped unless handled.
    public init(settings: BenchmarkSettings, progress: @escaping @Sendable (String) -> Void = { _ in },
                notice: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.progress = progress
        self.notice = notice
    }

    /// Times `workload` on every selection, in order. A device that fails yields a row with
    /// `failed` set and the error in `note`; the reference failing throws.
    public func run(_ workload: Workload, on selections: [DeviceSelection]) throws -> [BenchmarkResult] {
        let model = try workload.model()
        let problem = try workload.problem()
        progress("\(workload): CPU reference pass")
        let reference = try LSTMEngine(model: model, device: .cpu, options: engineOptions())
        let (expected, firstMilliseconds) = try measure { try reference.run(problem) }
        var rows: [BenchmarkResult] = []
        for selection in selections {
            var timedFamilies: Set<KernelFamily> = []
            for kernels in selection == .cpu ? [KernelSelection.auto] : settings.kernels {
                do {
                    let engine = selection == .cpu ? reference : try makeEngine(model, selection, kernels, workload)
                    if engine.device == nil {
                        rows.append(try timeReference(workload, engine, problem, expected, firstMilliseconds))
                        break
                    }
                    guard let family = engine.kernelFamily, timedFamilies.insert(family).inserted else { continue }
                    rows.append(try time(workload, engine, problem, expected))
                } catch {
                    rows.append(failure(workload, selection, kernels, error))
                }
            }
        }
        return rows
    }

    private func engineOptions(_ kernels: KernelSelection = .auto) -> EngineOptions {
        EngineOptions(weightPrecision: settings.weightPrecision, notice: notice, kernels: kernels)
    }

    private func makeEngine(_ model: LSTMModel, _ selection: DeviceSelection, _ kernels: KernelSelection, _ workload: Workload) throws -> LSTMEngine {
        progress("\(workload): building \(kernels.rawValue) kernels for \(selection)")
        return try LSTMEngine(model: model, device: selection, options: engineOptions(kernels))
    }

    /// The CPU reference: the pass already made counts as warm-up; a slow one is the only sample.
    private func timeReference(
        _ workload: Workload, _ engine: LSTMEngine, _ problem: ForwardProblem, _ expected: ForwardResult, _ first: Double
    ) throws -> BenchmarkResult {
        var timing = TimingStatistics()
        var note: String?
        if first > settings.slowReferenceSeconds * 1000 {
            timing.record(first)
            if settings.repeats > 1 {
                note = "one CPU-reference pass took \(String(format: "%.1f", first / 1000)) s (> \(Int(settings.slowReferenceSeconds)) s): timed once"
            }
        } else {
            for run in 0..<settings.repeats {
                progress("\(workload): \(engine.backendName) run \(run + 1)/\(settings.repeats)")
                timing.record(try measure { try engine.run(problem) }.milliseconds)
            }
        }
        return row(workload, engine, timing, comparison(expected, expected), note)
    }

    private func time(
        _ workload: Workload, _ engine: LSTMEngine, _ problem: ForwardProblem, _ expected: ForwardResult
    ) throws -> BenchmarkResult {
        var last: ForwardResult?
        for run in 0..<settings.warmup {
            progress("\(workload): \(engine.backendName) warm-up \(run + 1)/\(settings.warmup)")
            last = try engine.run(problem)
        }
        var timing = TimingStatistics()
        for run in 0..<settings.repeats {
            progress("\(workload): \(engine.backendName) run \(run + 1)/\(settings.repeats)")
            let (result, milliseconds) = try measure { try engine.run(problem) }
            timing.record(milliseconds)
            last = result
        }
        let check = last.map { comparison($0, expected) } ?? comparison(expected, expected)
        return row(workload, engine, timing, check, nil)
    }

    private func comparison(_ got: ForwardResult, _ expected: ForwardResult) -> TensorComparison {
        ResultComparison.compare(got, expected, tolerance: settings.tolerance)
    }

    private func row(
        _ workload: Workload, _ engine: LSTMEngine, _ timing: TimingStatistics, _ check: TensorComparison, _ note: String?
    ) -> BenchmarkResult {
        BenchmarkResult(
            workload: workload.name, device: engine.backendName, configuration: workload.configuration,
            batch: workload.batch, steps: workload.steps,
            weightPrecision: engine.device == nil ? WeightPrecision.float32.rawValue : settings.weightPrecision.rawValue,
            medianMilliseconds: timing.median, minimumMilliseconds: timing.minimum,
            gigaflops: timing.gigaflops(workload.flops), maxAbsoluteError: check.maxAbsoluteError,
            withinTolerance: check.passed, runs: timing.samples.count,
            tuning: engine.kernelTuningDescription(forBatch: workload.batch), kernels: engine.kernelFamily?.rawValue ?? BenchmarkResult.referenceKernels,
            note: note, failed: false)
    }

    private func failure(_ workload: Workload, _ selection: DeviceSelection, _ kernels: KernelSelection, _ error: Error) -> BenchmarkResult {
        BenchmarkResult(
            workload: workload.name, device: selection.description, configuration: workload.configuration,
            batch: workload.batch, steps: workload.steps, weightPrecision: settings.weightPrecision.rawValue,
            medianMilliseconds: .nan, minimumMilliseconds: .nan, gigaflops: .nan, maxAbsoluteError: .nan,
            withinTolerance: false, runs: 0, tuning: nil, kernels: selection == .cpu ? BenchmarkResult.referenceKernels : kernels.rawValue,
            note: "\(error)", failed: true)
    }
}
