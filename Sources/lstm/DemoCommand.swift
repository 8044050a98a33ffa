// `lstm demo`: the main job on embedded models. A fixed-seed 2-layer bidirectional LSTM, then
// a GRU of the same shape, run a batch on the CPU reference and on every OpenCL device; the
// OpenCL outputs are checked against the reference and the times compared.
import ArgumentParser
import LSTMBenchmarks
import LSTMRuntime

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run embedded LSTM and GRU models on the CPU reference and every OpenCL device, verify and compare times.")

    /// 2 layers, bidirectional, I = 64, H = 128; batch 64 × 50 steps; one LSTM, one GRU.
    static let workloads = CellKind.allCases.map { cell in
        Workload(
            LSTMConfiguration(cell: cell, inputSize: 64, hiddenSize: 128, layerCount: 2, bidirectional: true),
            batch: 64, steps: 50, name: "demo \(cell)")
    }

    func run() throws {
        let deviceCount = (try? Device.all().count) ?? 0
        if deviceCount == 0 {
            Terminal.notice("no OpenCL device found; running the CPU reference only (\(RuntimeError.installHint))")
        }
        let selections = [DeviceSelection.cpu] + (0..<deviceCount).map { DeviceSelection.opencl(index: $0) }
        let runner = BenchmarkRunner(
            settings: BenchmarkSettings(repeats: 5, warmup: 1, slowReferenceSeconds: 1),
            progress: { Terminal.progress($0) }, notice: { Terminal.notice($0) })
        var failed = false
        for (index, workload) in Self.workloads.enumerated() {
            if index > 0 { Terminal.print() }
            try introduce(workload)
            let results = try runner.run(workload, on: selections)
            Terminal.progress(nil)
            report(results)
            failed = failed || results.contains(where: { $0.failed || !$0.withinTolerance })
        }
        if failed { throw ExitCode.failure }
    }

    private func introduce(_ workload: Workload) throws {
        let configuration = workload.configuration
        let model = try workload.model()
        let parameters = model.layers.joined().reduce(0) { total, weights in
            total + weights.inputWeights.count + weights.recurrentWeights.count
                + (weights.inputBias?.count ?? 0) + (weights.recurrentBias?.count ?? 0)
                + (weights.projectionWeights?.count ?? 0) + (weights.peepholeWeights?.count ?? 0)
        }
        let width = configuration.directionCount * configuration.outputSize
        Terminal.print("""
            \(configuration.cell) demo: \(configuration.layerCount)-layer bidirectional \(configuration.cell), input \(configuration.inputSize), \
            hidden \(configuration.hiddenSize), \(parameters) parameters (seeded, built in)
            batch: \(workload.batch) sequences × \(workload.steps) steps → output [\(workload.steps), \(workload.batch), \(width)], \
            \(String(format: "%.2f", workload.flops / 1e9)) GFLOP per pass
            """)
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
