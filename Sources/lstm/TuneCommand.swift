// `lstm tune`: searches kernel tunings for one shape on one OpenCL device and stores the
// fastest correct one in the tuning cache, where `run` and `bench` find it.
import ArgumentParser
import Foundation
import LSTMBenchmarks
import LSTMRuntime

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Find the fastest kernel tuning for a model shape and remember it.",
        discussion: """
            Each candidate is built fresh, checked against the fp32 output of the default tuning \
            (candidates that differ are rejected) and timed. The search covers the vector width \
            (8 or 16 units per block), then the register tile (rows and gates per pass), then the recurrence's tiles and launch mode, then the GEMM's, \
            then how many register tiles share each L1-sized slice of a weight panel. \
            The best is stored per device, driver, model shape, weight precision and batch class \
            (1, 2-31 or 32+ sequences) in $LSTM_CACHE_DIR/tuning.json (default ~/.cache/lstm-runtime).
            """)

    @OptionGroup var shape: WorkloadOptions
    @Option(help: "auto, opencl or opencl:N (default: auto).", transform: ArgumentParsing.device)
    var device: DeviceSelection = .auto
    @Option(name: .customLong("repeat"), help: "Timed passes per candidate.")
    var repeats = 5
    @Option(help: "Untimed passes per candidate before timing.")
    var warmup = 1
    @Option(name: .customLong("weight-precision"), help: "Weight storage: f32 or f16 (default: f32).", transform: ArgumentParsing.precision)
    var weightPrecision: WeightPrecision = .float32
    @Option(help: "Kernel family to tune: auto (by device type), cpu or gpu.", transform: ArgumentParsing.kernels)
    var kernels: KernelSelection = .auto
    @Option(help: "Progress on stderr: auto (when stderr is a terminal), always or never (default: auto).")
    var progress: ProgressMode = .auto

    func validate() throws {
        guard shape.anySizeGiven else { throw ValidationError("give --input-size, --hidden, --batch and --steps") }
        guard repeats >= 1, warmup >= 0 else { throw ValidationError("--repeat must be at least 1 and --warmup at least 0") }
        _ = try shape.workload()
        if device == .cpu {
            throw ValidationError("the CPU reference has no kernels to tune; use --device opencl or opencl:N")
        }
    }

    func run() throws {
        guard let workload = try shape.workload() else { throw ValidationError("give the size flags") }
        if device == .auto, (try? Device.all().isEmpty) ?? true {
            throw CommandError.nothingToCheck(command: "tune", reason: "no OpenCL device was found. \(RuntimeError.installHint)")
        }
        let settings = BenchmarkSettings(repeats: repeats, warmup: warmup, weightPrecision: weightPrecision)
        if let resolved = try device.resolvedDevice(), kernels.family(for: resolved.kind) == .gpu {
            return try tuneGPUFamily(workload, settings)
        }
        // The number of candidates is known only as the search goes (it depends on the best
        // step tuning), so the bar counts candidates started, with elapsed time.
        let bar = ProgressBar(total: 0, unit: "candidates", mode: progress)
        let started = Counter()
        let search = TuningSearch(settings: settings, progress: { line in
            bar.update(line.hasPrefix("candidate") ? started.increment() : started.value, detail: "tune \(workload): \(line)")
        })
        let outcome = try search.run(workload, device: device)
        bar.clear()
        bar.finish()

        Terminal.print("Tuning \(workload) (\(weightPrecision.rawValue) weights, cpu kernels) on \(outcome.deviceName)")
        Self.printTrials(outcome.trials.map {
            TrialRow(tuning: $0.tuning.description, timing: $0.timing, comparison: $0.comparison,
                     rejection: $0.rejection, best: $0.tuning == outcome.best)
        })
        guard let best = outcome.best else {
            throw CommandError.nothingToCheck(command: "store", reason: "no candidate tuning ran correctly")
        }
        try TuningCache.shared.store(
            best, device: outcome.device, configuration: workload.configuration, precision: weightPrecision,
            batchClass: outcome.batchClass)
        let place = TuningCache.shared.file.map { "stored in \($0.path)" } ?? "not stored: the cache is off (LSTM_CACHE_DIR=off)"
        Terminal.print("best for batch class \(outcome.batchClass.rawValue): \(best); \(place)")
    }

    /// The GPU family's search (GPUTuningSearch), stored in the GPU tuning cache.
    private func tuneGPUFamily(_ workload: Workload, _ settings: BenchmarkSettings) throws {
        let search = GPUTuningSearch(settings: settings, progress: { Terminal.progress("tune \(workload): \($0)") })
        let outcome = try search.run(workload, device: device)
        Terminal.progress(nil)
        Terminal.print("Tuning \(workload) (\(weightPrecision.rawValue) weights, gpu kernels) on \(outcome.deviceName)")
        Self.printTrials(outcome.trials.map {
            TrialRow(tuning: $0.tuning.description, timing: $0.timing, comparison: $0.comparison,
                     rejection: $0.rejection, best: $0.tuning == outcome.best)
        })
        guard let best = outcome.best else {
            throw CommandError.nothingToCheck(command: "store", reason: "no candidate tuning ran correctly")
        }
        try GPUTuningCache.shared.store(best, device: outcome.device, configuration: workload.configuration, precision: weightPrecision)
        let place = GPUTuningCache.shared.file.map { "stored in \($0.path)" } ?? "not stored: the cache is off (LSTM_CACHE_DIR=off)"
        Terminal.print("best: \(best); \(place)")
    }
}

/// One tried tuning as `tune` reports it, whichever kernel family it belongs to.
private struct TrialRow {
    let tuning: String
    let timing: TimingStatistics
    let comparison: TensorComparison?
    let rejection: String?
    let best: Bool
}

extension TuneCommand {
    /// The table of tried tunings, then why each rejected one was rejected.
    fileprivate static func printTrials(_ rows: [TrialRow]) {
        var table = TextTable(["#", "TUNING", "MEDIAN MS", "MIN MS", "MAX ABS ERR", "RESULT"], rightAligned: [0, 2, 3, 4])
        for (index, row) in rows.enumerated() {
            table.append([
                "\(index + 1)", row.tuning, Format.milliseconds(row.timing.median), Format.milliseconds(row.timing.minimum),
                row.comparison.map { Format.error($0.maxAbsoluteError) } ?? "-",
                row.best ? "best" : row.rejection == nil ? "ok" : "rejected",
            ])
        }
        table.print()
        for (index, row) in rows.enumerated() {
            if let rejection = row.rejection { Terminal.print("rejected #\(index + 1): \(rejection)") }
        }
    }
}

/// A thread-safe count of candidates started.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
