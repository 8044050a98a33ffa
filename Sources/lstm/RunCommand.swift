// `lstm run`: a safetensors model over .npy inputs, writing .npy outputs. The inputs are
// memory-mapped and checked before any computing; the batch runs in batch slices (grouped
// by length with --lengths) over one or more devices, reading, computing and writing
// overlapped, so memory stays bounded whatever the input size. Results go into hidden
// temporaries renamed into place only when the whole pass succeeded; on an error or an
// interrupting signal they are removed.
import ArgumentParser
import Foundation
import LSTMBenchmarks
import LSTMRuntime

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model over a batch of sequences (shapes as torch.nn.LSTM and torch.nn.GRU).",
        discussion: """
            input [T, B, I] ([B, T, I] with --batch-first); h0 and h_n [D·L, B, H_out]; c0 and c_n \
            [D·L, B, H] (LSTM only); output [T, B, D·H_out]. Missing h0/c0 are zeros. Lengths: int32 or int64 [B], \
            each in 1...T (packed-sequence semantics; outputs past a length are zero). With --shard K/N \
            only sequences floor(K·B/N) ..< floor((K+1)·B/N) run, and the outputs hold just those; \
            `lstm join` concatenates the slices.
            """)

    @Option(help: "Model: safetensors with torch.nn.LSTM or torch.nn.GRU state-dict names, or an ONNX graph (.onnx, recognised by content).")
    var weights: String
    @Option(help: "Input sequences (.npy, float32 or float64); for ONNX, the graph's first input.")
    var input: String?
    @Option(help: "Where to write the output sequences (.npy, float32); for ONNX, the graph's first output.")
    var output: String?
    @Option(name: .customLong("feed"), help: "ONNX: bind graph input NAME to a .npy file (NAME=PATH, repeatable).")
    var feeds: [String] = []
    @Option(name: .customLong("fetch"), help: "ONNX: write graph output NAME to a .npy file (NAME=PATH, repeatable).")
    var fetches: [String] = []
    @Option(name: .customLong("h0"), help: "Initial hidden state (.npy).")
    var initialHidden: String?
    @Option(name: .customLong("c0"), help: "Initial cell state (.npy).")
    var initialCell: String?
    @Option(name: .customLong("h-n"), help: "Where to write the final hidden state (.npy).")
    var finalHidden: String?
    @Option(name: .customLong("c-n"), help: "Where to write the final cell state (.npy).")
    var finalCell: String?
    @Option(help: "Valid steps per sequence (.npy, int32 or int64 [B]).")
    var lengths: String?
    @Flag(name: .customLong("batch-first"), help: "Input and output are [B, T, ·].")
    var batchFirst = false
    @Option(help: "auto, cpu, opencl, opencl:N or all (every OpenCL device); repeat to split the batch over several (default: auto).",
            transform: DeviceChoice.parse)
    var device: [DeviceChoice] = []
    @Option(name: .customLong("weight-precision"), help: "Weight storage on OpenCL: f32 or f16 (default: f32).",
            transform: ArgumentParsing.precision)
    var weightPrecision: WeightPrecision = .float32
    @Option(name: .customLong("memory-limit"),
            help: "Cap on memory for activations and batch slices in flight, bytes (K, M, G suffixes; default 1G).",
            transform: ArgumentParsing.byteCount)
    var memoryLimit: Int?
    @Option(help: "Kernel family on OpenCL: auto (by device type), cpu or gpu.", transform: ArgumentParsing.kernels)
    var kernels: KernelSelection = .auto
    @Option(help: "Run only shard K of N (K/N, 0 <= K < N): sequences floor(K·B/N) ..< floor((K+1)·B/N).",
            transform: Shard.parse)
    var shard: Shard?
    @Option(help: "Progress bar on stderr: auto (when stderr is a terminal), always or never (default: auto).")
    var progress: ProgressMode = .auto

    func run() throws {
        if try WeightsFile.isONNX(weights) {
            try ONNXRun(command: self).run()
            return
        }
        guard feeds.isEmpty, fetches.isEmpty else {
            throw CommandError.onnxOnly(flag: "--feed/--fetch", path: weights)
        }
        guard let input, let output else { throw ValidationError("--input and --output are required for a safetensors model") }
        let loaded = try RunInputs(
            weights: weights, input: input, initialHidden: initialHidden, initialCell: initialCell,
            lengths: lengths, batchFirst: batchFirst)
        let inputs = loaded.inputs
        if finalCell != nil, !loaded.model.configuration.hasCellState {
            throw CommandError.noCellState(flag: "--c-n", cell: loaded.model.configuration.cell.description)
        }
        let destinations = [("--output", output), ("--h-n", finalHidden), ("--c-n", finalCell)]
            .compactMap { flag, path in path.map { (flag, $0) } }
        try RunInputs.checkDestinations(destinations)

        let options = EngineOptions(
            weightPrecision: weightPrecision, deviceMemoryLimit: memoryLimit, notice: { Terminal.notice($0) },
            kernels: kernels)
        let engines = try DeviceChoice.selections(device).map {
            try LSTMEngine(model: loaded.model, device: $0, options: options)
        }
        let budget = try BatchRunOptions.memoryBudget(limit: memoryLimit)
        let range = shard?.range(batch: inputs.batch) ?? 0..<inputs.batch
        let scheduler = BatchScheduler(engines: engines)
        let slices = BatchRun.plan(inputs, range: range, scheduler: scheduler, options: BatchRunOptions(memoryBudget: budget))

        SignalCleanup.install()
        let files = try NumpyResultFiles(
            configuration: loaded.model.configuration, steps: inputs.steps, batch: range.count,
            firstSequence: range.lowerBound, batchFirst: batchFirst,
            output: URL(fileURLWithPath: output), finalHidden: finalHidden.map(URL.init(fileURLWithPath:)),
            finalCell: finalCell.map(URL.init(fileURLWithPath:)))
        let bar = ProgressBar(total: range.count, unit: "sequences", mode: progress)
        let started = Date()
        do {
            try scheduler.run(slices, source: inputs, sink: files, progress: bar.update)
            bar.finish()
            try files.commit()
        } catch {
            bar.finish()
            files.discard()
            throw error
        }
        let milliseconds = Date().timeIntervalSince(started) * 1000
        let width = loaded.model.configuration.directionCount * loaded.model.configuration.outputSize
        let shape = batchFirst ? [range.count, inputs.steps, width] : [inputs.steps, range.count, width]
        let names = zip(engines, scheduler.busySeconds)
            .map { "\($0.backendName) (computing \(Format.milliseconds($1 * 1000)) ms)" }
            .joined(separator: ", ")
        Terminal.standardError(
            "ran on \(names) in \(Format.milliseconds(milliseconds)) ms (\(slices.count) batch slice\(slices.count == 1 ? "" : "s")"
                + "\(shard.map { ", shard \($0)" } ?? "")); wrote \(output) \(shape)")
    }
}
