// `lstm tune`'s search: a handful of kernel tunings around the device's defaults for the
// workload's batch class, each built as a fresh engine, checked against the fp32 output of
// the default tuning and timed; the fastest correct one wins.
// The vector width is searched first (it changes the packing and every tile), then the
// register tile (rows and gate split of the GEMM and the step together), then the step
// kernel around the best of those (it dominates small batches), then the GEMM around the best
// step setting, then how many register tiles share each panel slice (step and GEMM) around
// the best of those: a coordinate search instead of the full product of all tunables.
import LSTMRuntime

/// One candidate tuning's outcome.
public struct TuningTrial: Sendable {
    /// The candidate.
    public var tuning: KernelTuning
    /// Its timed passes (none when rejected).
    public var timing: TimingStatistics
    /// Against the fp32 output of the default tuning.
    public var comparison: TensorComparison?
    /// Why the candidate was rejected (mismatch or failure), `nil` when accepted.
    public var rejection: String?

    /// Whether the candidate built, ran and matched the default tuning's output.
    public var accepted: Bool { rejection == nil }
}

/// What a search found: every trial and the fastest accepted tuning.
public struct TuningOutcome: Sendable {
    /// The device searched on.
    public var device: Device
    /// The engine's name for it, e.g. `opencl:0 (pthread-haswell)`.
    public var deviceName: String
    /// The batch class of the workload: the tuning cache stores the result under it.
    public var batchClass: BatchClass
    /// Every candidate in the order run.
    public var trials: [TuningTrial]
    /// The fastest accepted tuning, `nil` when none was accepted.
    public var best: KernelTuning?
}

/// Searches kernel tunings for one model shape and batch on one OpenCL device.
public struct TuningSearch: Sendable {
    /// Passes per candidate and the weight precision searched.
    public var settings: BenchmarkSettings
    /// Receives a line per candidate (for a progress display).
    public var progress: @Sendable (String) -> Void

    /// A search with these settings, reporting progress to `progress`.
    public init(settings: BenchmarkSettings, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.progress = progress
    }

    /// Vector-width candidates: `base` at each width the kernels are written for from 8 up
    /// (8 and 16; a width wider than the device's registers still runs, in two of them).
    public static func vectorCandidates(from base: KernelTuning) -> [KernelTuning] {
        [base] + [8, 16].filter { $0 != base.vectorWidth }.map { width in modified(base) { $0.vectorWidth = width } }
    }

    /// Register-tile candidates around `base`: the GEMM's and the step's rows and gate split
    /// together, at the tiles of 16 and of 32 vector registers (6 rows of 2 gates, 4 rows of
    /// all) and two more shapes that fit 16 (5 rows of 2 gates, 8 rows of 1), since which of
    /// them stays in registers is a matter of the compiler as much as of the register count.
    public static func tileCandidates(from base: KernelTuning) -> [KernelTuning] {
        [(6, 2), (4, 0), (5, 2), (8, 1)].map { rows, gates in
            modified(base) {
                ($0.gemmRows, $0.stepRows, $0.tileGates) = (rows, rows, gates)
            }
        }.filter { $0 != base }
    }

    /// Recurrence candidates around `base`: 2 to 6 sequences per work-item (for a single
    /// sequence instead 1 to 4 blocks per batch-1 tile), the other recurrence mode (one
    /// persistent launch vs one launch per step), and for the per-step mode, where it
    /// matters, a quarter, half and twice its work-group size.
    public static func stepCandidates(from base: KernelTuning, batchClass: BatchClass = .large) -> [KernelTuning] {
        let rows: [KernelTuning]
        if batchClass == .single {
            let current = base.wideBlocks > 0 ? base.wideBlocks : 32 / base.vectorWidth
            rows = [1, 2, 3, 4].filter { $0 != current }.map { blocks in modified(base) { $0.wideBlocks = blocks } }
        } else {
            rows = [2, 3, 4, 5, 6].filter { $0 != base.stepRows }.map { rows in modified(base) { $0.stepRows = rows } }
        }
        let mode = modified(base) { $0.persistentRecurrence.toggle() }
        let perStep = base.persistentRecurrence ? mode : base
        let locals = [perStep.stepLocal / 4, perStep.stepLocal / 2, perStep.stepLocal * 2].filter { $0 >= 1 }.map { local in
            modified(perStep) { $0.stepLocal = local }
        }
        return [base] + rows + [mode] + locals
    }

    /// GEMM candidates around `base`: 2, 3, 4 or 6 rows per work-item, a quarter and twice its
    /// work-group size, and with a persistent recurrence the other GEMM form (persistent or
    /// one work-item per row group and block) and the other input side (the projection fused
    /// into the recurrence, or the GEMM).
    public static func gemmCandidates(from base: KernelTuning) -> [KernelTuning] {
        let rows = [2, 3, 4, 6].filter { $0 != base.gemmRows }.map { rows in
            modified(base) { $0.gemmRows = rows }
        }
        let locals = [base.gemmLocal / 4, base.gemmLocal * 2].filter { $0 >= 1 }.map { local in
            modified(base) { $0.gemmLocal = local }
        }
        let form = base.persistentRecurrence
            ? [modified(base) { $0.persistentProjection.toggle() }, modified(base) { $0.fuseInput.toggle() }] : []
        return rows + locals + form
    }

    /// Panel-slicing candidates around `base`: 2, 4, 8 and 16 register tiles per group in the
    /// recurrent step (batches of two tiles or more only) and in the GEMM, then both at once,
    /// and the other choice of prefetching the recurrent product's next slice.
    public static func sliceCandidates(from base: KernelTuning, batchClass: BatchClass = .large) -> [KernelTuning] {
        let groups = [2, 4, 8, 16]
        let gemm = groups.filter { $0 != base.gemmTiles }.map { tiles in modified(base) { $0.gemmTiles = tiles } }
        guard batchClass != .single else { return gemm }
        let step = groups.filter { $0 != base.stepTiles }.map { tiles in modified(base) { $0.stepTiles = tiles } }
        let both = modified(base) {
            $0.gemmTiles = 4
            $0.stepTiles = 4
        }
        let prefetch = base.stepTiles > 1 ? [modified(base) { $0.prefetchSlices.toggle() }] : []
        return step + gemm + [both] + prefetch
    }

    private static func modified(_ base: KernelTuning, _ change: (inout KernelTuning) -> Void) -> KernelTuning {
        var tuning = base
        change(&tuning)
        return tuning
    }

    /// Runs the search on `workload` on `device` (an OpenCL selection).
    ///
    /// - Throws: ``RuntimeError`` when the selection names no OpenCL device, any error of the
    ///   default tuning itself (then nothing can be compared).
    public func run(_ workload: Workload, device: DeviceSelection) throws -> TuningOutcome {
        guard let openCLDevice = try device.resolvedDevice() else { throw RuntimeError.noOpenCLDevice }
        let batchClass = BatchClass(batch: workload.batch)
        let defaults = KernelTuning.defaults(for: openCLDevice, batchClass: batchClass)
        let model = try workload.model()
        let problem = try workload.problem()
        progress("default tuning, fp32: reference output")
        let baseline = try LSTMEngine(
            model: model, device: device,
            options: EngineOptions(weightPrecision: .float32, tuning: defaults, notice: { _ in }))
        let expected = try baseline.run(problem)

        var trials: [TuningTrial] = []
        func trial(_ tuning: KernelTuning) {
            guard !trials.contains(where: { $0.tuning == tuning }) else { return }
            progress("candidate \(trials.count + 1): \(tuning)")
            trials.append(measureCandidate(tuning, model, problem, device, expected))
        }
        Self.vectorCandidates(from: defaults).forEach(trial)
        let bestVector = Self.fastest(trials) ?? defaults
        Self.tileCandidates(from: bestVector).forEach(trial)
        let bestTile = Self.fastest(trials) ?? defaults
        Self.stepCandidates(from: bestTile, batchClass: batchClass).forEach(trial)
        let bestStep = Self.fastest(trials) ?? defaults
        Self.gemmCandidates(from: bestStep).forEach(trial)
        let bestGEMM = Self.fastest(trials) ?? defaults
        Self.sliceCandidates(from: bestGEMM, batchClass: batchClass).forEach(trial)
        return TuningOutcome(
            device: openCLDevice, deviceName: baseline.backendName, batchClass: batchClass, trials: trials,
            best: Self.fastest(trials))
    }

    /// The accepted trial with the lowest median time.
    static func fastest(_ trials: [TuningTrial]) -> KernelTuning? {
        trials.filter(\.accepted).min { $0.timing.median < $1.timing.median }?.tuning
    }

    private func measureCandidate(
        _ tuning: KernelTuning, _ model: LSTMModel, _ problem: ForwardProblem, _ device: DeviceSelection,
        _ expected: ForwardResult
    ) -> TuningTrial {
        var timing = TimingStatistics()
        do {
            let options = EngineOptions(weightPrecision: settings.weightPrecision, tuning: tuning, notice: { _ in })
            let engine = try LSTMEngine(model: model, device: device, options: options)
            var output = try engine.run(problem)
            for _ in 1..<max(1, settings.warmup) { output = try engine.run(problem) }
            let comparison = ResultComparison.compare(output, expected, tolerance: settings.tolerance)
            guard comparison.passed else {
                return TuningTrial(tuning: tuning, timing: timing, comparison: comparison,
                                   rejection: "output differs from the default tuning: \(comparison)")
            }
            for _ in 0..<settings.repeats {
                timing.record(try measure { try engine.run(problem) }.milliseconds)
            }
            return TuningTrial(tuning: tuning, timing: timing, comparison: comparison, rejection: nil)
        } catch {
            return TuningTrial(tuning: tuning, timing: timing, comparison: nil, rejection: "\(error)")
        }
    }
}
