// `lstm run`: one forward pass of a safetensors model over .npy inputs, writing .npy outputs.
// Everything is loaded and validated before any computing, and nothing is written unless
// the pass succeeded.
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
            each in 1...T (packed-sequence semantics; outputs past a length are zero).
            """)

    @Option(help: "Model weights: safetensors with torch.nn.LSTM or torch.nn.GRU state-dict names.")
    var weights: String
    @Option(help: "Input sequences (.npy, float32 or float64).")
    var input: String
    @Option(help: "Where to write the output sequences (.npy, float32).")
    var output: String
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
    @Option(help: "auto, cpu, opencl or opencl:N (default: auto).", transform: ArgumentParsing.device)
    var device: DeviceSelection = .auto
    @Option(name: .customLong("weight-precision"), help: "Weight storage on OpenCL: f32 or f16 (default: f32).",
            transform: ArgumentParsing.precision)
    var weightPrecision: WeightPrecision = .float32
    @Option(name: .customLong("memory-limit"),
            help: "Cap on device memory for activations, bytes (K, M, G suffixes); larger batches run in chunks.",
            transform: ArgumentParsing.byteCount)
    var memoryLimit: Int?
    @Option(help: "Kernel family on OpenCL: auto (by device type), cpu or gpu.", transform: ArgumentParsing.kernels)
    var kernels: KernelSelection = .auto

    func run() throws {
        let inputs = try RunInputs(
            weights: weights, input: input, initialHidden: initialHidden, initialCell: initialCell,
            lengths: lengths, batchFirst: batchFirst)
        if finalCell != nil, !inputs.model.configuration.hasCellState {
            throw CommandError.noCellState(flag: "--c-n", cell: inputs.model.configuration.cell.description)
        }
        let destinations = [("--output", output), ("--h-n", finalHidden), ("--c-n", finalCell)]
            .compactMap { flag, path in path.map { (flag, $0) } }
        try RunInputs.checkDestinations(destinations)

        let options = EngineOptions(
            weightPrecision: weightPrecision, deviceMemoryLimit: memoryLimit, notice: { Terminal.notice($0) },
            kernels: kernels)
        let engine = try LSTMEngine(model: inputs.model, device: device, options: options)
        let (result, milliseconds) = try measure { try engine.run(inputs.problem) }
        let shaped = try result.shaped(for: inputs.problem, batchFirst: batchFirst)

        try NumpyFile.write(shaped.output, to: URL(fileURLWithPath: output))
        if let finalHidden { try NumpyFile.write(shaped.finalHidden, to: URL(fileURLWithPath: finalHidden)) }
        if let finalCell, let cellState = shaped.finalCell { try NumpyFile.write(cellState, to: URL(fileURLWithPath: finalCell)) }
        Terminal.standardError(
            "ran on \(engine.backendName) in \(Format.milliseconds(milliseconds)) ms; wrote \(output) \(shaped.output.shape)")
    }
}
