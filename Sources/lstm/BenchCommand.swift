// `lstm bench`: times forward passes on the CPU reference and OpenCL devices, for one shape
// given by flags or a named suite, as a table or as JSON.
import ArgumentParser
import Foundation
import LSTMBenchmarks
import LSTMRuntime

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time forward passes and check them against the CPU reference.",
        discussion: """
            Give all of --input-size, --hidden, --batch and --steps for one workload, or none to run \
            --suite (standard: the peer shapes and a stacked bidirectional model; deepbench: DeepBench \
            inference shapes; all); --cell gru runs the same shapes as GRUs. Default devices: the CPU reference and every OpenCL device. A \
            CPU-reference pass over 5 s is timed once. Exits 1 if a device fails or is out of tolerance.
            """)

    @OptionGroup var shape: WorkloadOptions
    @Option(name: .customLong("device"), help: "A device to time (repeatable): auto, cpu, opencl or opencl:N.",
            transform: ArgumentParsing.device)
    var devices: [DeviceSelection] = []
    @Option(name: .customLong("repeat"), help: "Timed passes per device.")
    var repeats = 5
    @Option(help: "Untimed passes before timing.")
    var warmup = 1
    @Option(name: .customLong("weight-precision"), help: "Weight storage on OpenCL: f32 or f16 (default: f32).",
            transform: ArgumentParsing.precision)
    var weightPrecision: WeightPrecision = .float32
    @Option(help: "Kernel family on OpenCL devices (repeatable): auto (by device type), cpu or gpu.",
            transform: ArgumentParsing.kernels)
    var kernels: [KernelSelection] = []
    @Flag(help: "Print a JSON array of results on stdout instead of a table.")
    var json = false
    @Option(help: "standard, deepbench or all (when no size flags are given).", transform: ArgumentParsing.suite)
    var suite: BenchmarkSuite?
    @Option(help: "Progress bar on stderr: auto (when stderr is a terminal), always or never (default: auto).")
    var progress: ProgressMode = .auto
    @Flag(help: "Time one-frame feeds of a streaming session (median, p99) against the one-shot pass's per-step time.")
    var stream = false

    func validate() throws {
        guard repeats >= 1, warmup >= 0 else { throw ValidationError("--repeat must be at least 1 and --warmup at least 0") }
        if shape.anySizeGiven, suite != nil {
            throw ValidationError("give either the size flags or --suite, not both")
        }
        _ = try shape.workload()
    }

    func run() throws {
        let workloads = try shape.workload().map { [$0] } ?? (suite ?? .standard).workloads(cell: shape.cell)
        if stream { return try runStreaming(workloads) }
        let selections = try devices.isEmpty ? Self.defaultDevices() : devices
        let settings = BenchmarkSettings(repeats: repeats, warmup: warmup, weightPrecision: weightPrecision, kernels: kernels)
        var results: [BenchmarkResult] = []
        let table = TextTable(["WORKLOAD", "DEVICE", "KERNELS", "MEDIAN MS", "MIN MS", "GFLOP/S", "MAX ABS ERR", "CHECK"],
                              rightAligned: [3, 4, 5, 6], minimumWidths: [24, Self.deviceColumnWidth(), 9, 10, 10, 8, 11, 5])
        if !json { table.streamingHeader.forEach { Terminal.print($0) } }
        let bar = ProgressBar(total: workloads.count, unit: "workloads", mode: progress)
        for (index, workload) in workloads.enumerated() {
            let runner = BenchmarkRunner(
                settings: settings, progress: { bar.note($0) }, notice: { Terminal.notice($0) })
            let rows = try runner.run(workload, on: selections)
            bar.clear()
            results += rows
            if !json { rows.forEach { Terminal.print(table.streamingLine(Self.cells($0))) } }
            bar.update(index + 1)
        }
        bar.finish()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Terminal.print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            printNotes(results)
        }
        if results.contains(where: { $0.failed || !$0.withinTolerance }) { throw ExitCode.failure }
    }

    /// `--stream`: one-direction workloads on the given devices (default: every OpenCL device).
    private func runStreaming(_ workloads: [Workload]) throws {
        let selections = devices.isEmpty ? ((try? Device.all().count) ?? 0 > 0 ? [.opencl(index: nil)] : [.cpu]) : devices
        let benchmark = StreamLatencyBenchmark(
            settings: BenchmarkSettings(repeats: repeats, warmup: warmup, weightPrecision: weightPrecision))
        var results: [StreamLatencyResult] = []
        var table = TextTable(["WORKLOAD", "DEVICE", "FRAME MEDIAN MS", "FRAME P99 MS", "ONE-SHOT MS/STEP", "RATIO", "BITWISE"],
                              rightAligned: [2, 3, 4, 5])
        for workload in workloads {
            guard !workload.configuration.bidirectional else {
                Terminal.notice("\(workload): skipped, a bidirectional model cannot stream")
                continue
            }
            for selection in selections {
                Terminal.progress("\(workload) on \(selection): streaming")
                let result = try benchmark.run(workload, on: selection)
                Terminal.progress(nil)
                results.append(result)
                table.append([
                    result.workload, result.device, Format.milliseconds(result.frameMedianMilliseconds),
                    Format.milliseconds(result.frameP99Milliseconds), Format.milliseconds(result.perStepMilliseconds),
                    String(format: "%.2fx", result.ratio), result.bitwiseEqual ? "yes" : "NO",
                ])
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Terminal.print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            table.print()
        }
        if results.contains(where: { !$0.bitwiseEqual }) { throw ExitCode.failure }
    }

    /// The CPU reference and every OpenCL device.
    static func defaultDevices() throws -> [DeviceSelection] {
        let count = (try? Device.all().count) ?? 0
        if count == 0 { Terminal.notice("no OpenCL device found; timing the CPU reference only") }
        return [.cpu] + (0..<count).map { DeviceSelection.opencl(index: $0) }
    }

    /// Wide enough for `cpu-reference` and every `opencl:N (name)`, known before any engine exists.
    static func deviceColumnWidth() -> Int {
        let devices = (try? Device.all()) ?? []
        let names = devices.enumerated().map { "opencl:\($0.offset) (\($0.element.name))" }
        return max("cpu-reference".count, names.map(\.count).max() ?? 0)
    }

    /// One table row: a workload on a device.
    static func cells(_ row: BenchmarkResult) -> [String] {
        [
            row.workload, row.device, row.kernels, Format.milliseconds(row.medianMilliseconds),
            Format.milliseconds(row.minimumMilliseconds), Format.rate(row.gigaflops),
            row.failed ? "-" : Format.error(row.maxAbsoluteError),
            row.failed ? "ERROR" : row.withinTolerance ? "PASS" : "FAIL",
        ]
    }

    private func printNotes(_ results: [BenchmarkResult]) {
        let notes = results.compactMap { row in row.note.map { "\(row.workload) on \(row.device): \($0)" } }
        guard !notes.isEmpty else { return }
        Terminal.print()
        notes.forEach { Terminal.print("note: \($0)") }
    }
}
