// `lstm demo`: the main job on an embedded model. A fixed-seed 2-layer bidirectional LSTM
// runs a batch on the CPU reference and on every OpenCL device; the OpenCL outputs are
// checked against the reference and the times compared.
import ArgumentParser
import LSTMBenchmarks
import LSTMRuntime

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run an embedded model on the CPU reference and every OpenCL device, verify and compare times.")

    /// 2 layers, bidirectional, I = 64, H = 128; batch 64 × 50 steps.
    static let workload = Workload(
        LSTMConfiguration(inputSize: 64, hiddenSize: 128, layerCount: 2, bidirectional: true),
        batch: 64, steps: 50, name: "demo")

    func run() throws {
        let workload = Self.workload
        let configuration = workload.configuration
        let model = try workload.model()
        let parameters = model.layers.joined().reduce(0) { total, cell in
            total + cell.inputWeights.count + cell.recurrentWeights.count
                + (cell.inputBias?.count ?? 0) + (cell.recurrentBias?.count ?? 0)
                + (cell.projectionWeights?.count ?? 0) + (cell.peepholeWeights?.count ?? 0)
        }
        let width = configuration.directionCount * configuration.outputSize
        Terminal.print("""
            LSTM demo: \(configuration.layerCount)-layer bidirectional LSTM, input \(configuration.inputSize), \
            hidden \(configuration.hiddenSize), \(parameters) parameters (seeded, built in)
            batch: \(workload.batch) sequences × \(workload.steps) steps → output [\(workload.steps), \(workload.batch), \(width)], \
            \(String(format: "%.2f", workload.flops / 1e9)) GFLOP per pass
            """)

        let deviceCount = (try? Device.all().count) ?? 0
        if deviceCount == 0 {
            Terminal.notice("no OpenCL device found; running the CPU reference only (\(RuntimeError.installHint))")
        }
        let selections = [DeviceSelection.cpu] + (0..<deviceCount).map { DeviceSelection.opencl(index: $0) }
        let runner = BenchmarkRunner(
            settings: BenchmarkSettings(repeats: 5, warmup: 1, slowReferenceSeconds: 1),
            progress: { Terminal.progress($0) }, notice: { Terminal.notice($0) })
        let results = try runner.run(workload, on: selections)
        Terminal.progress(nil)
        report(results)
        if results.contains(where: { $0.failed || !$0.withinTolerance }) { throw ExitCode.failure }
    }

    private func report(_ results: [BenchmarkResult]) {
        let reference = results.first
        let referenceTime = reference?.medianMilliseconds ?? .nan
        Terminal.print("tolerance against the CPU reference: \(Tolerance.float32)")
        Terminal.print()
        var table = TextTable(["DEVICE", "MEDIAN MS", "MIN MS", "GFLOP/S", "SPEED-UP", "MAX ABS ERR", "CHECK"],
                              rightAligned: [1, 2, 3, 4, 5])
        for (index, row) in results.enumerated() {
            let speedUp = referenceTime / row.medianMilliseconds
            table.append([
                row.device, Format.milliseconds(row.medianMilliseconds), Format.milliseconds(row.minimumMilliseconds),
                Format.rate(row.gigaflops), speedUp.isFinite ? String(format: "%.1fx", speedUp) : "-",
                index == 0 ? "(reference)" : row.failed ? "-" : Format.error(row.maxAbsoluteError),
                row.failed ? "ERROR" : index == 0 ? "-" : row.withinTolerance ? "PASS" : "FAIL",
            ])
        }
        table.print()
        for row in results {
            if let note = row.note { Terminal.print("note: \(row.device): \(note)") }
        }
        Terminal.print()
        let checked = results.dropFirst()
        if checked.isEmpty {
            Terminal.print("CPU reference only: nothing to compare (no OpenCL device).")
        } else if checked.allSatisfy({ !$0.failed && $0.withinTolerance }), let fastest = checked.min(by: { $0.medianMilliseconds < $1.medianMilliseconds }) {
            let speedUp = String(format: "%.1f", referenceTime / fastest.medianMilliseconds)
            Terminal.print("PASS: every OpenCL output matches the CPU reference; \(fastest.device) is \(speedUp)x faster than the CPU reference.")
        } else {
            Terminal.print("FAIL: an OpenCL device did not match the CPU reference (see above).")
        }
    }
}
