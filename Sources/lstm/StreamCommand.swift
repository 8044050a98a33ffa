// `lstm stream`: a streaming session over a pipe. Standard input carries raw little-endian
// float32 frames of B×I values (one timestep of every stream, [B, I] row-major); every
// complete frame that has arrived (up to --max-chunk at a time) is computed at once and its
// output frame of B×H_out float32 values written to standard output. At the end of input
// the final states go to --h-n / --c-n. Messages go to standard error only.
import ArgumentParser
import Foundation
import LSTMRuntime

struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Run a one-direction model over frames arriving on standard input, keeping its state between them.",
        discussion: """
            Standard input: raw little-endian float32, one frame of B×I values per timestep. Standard \
            output: one frame of B×H_out float32 values per input frame, written (and flushed) as soon as \
            it is computed. --h0/--c0 and --h-n/--c-n are .npy [L, B, ·]. A trailing partial frame is an \
            error (exit 1, no state files written).
            """)

    @Option(help: "Model weights: safetensors with torch.nn.LSTM or torch.nn.GRU state-dict names.")
    var weights: String
    @Option(help: "Streams B: the frames' first dimension.")
    var batch: Int
    @Option(help: "auto, cpu, opencl or opencl:N (default: auto).", transform: ArgumentParsing.device)
    var device: DeviceSelection = .auto
    @Option(name: .customLong("weight-precision"), help: "Weight storage on OpenCL: f32 or f16 (default: f32).",
            transform: ArgumentParsing.precision)
    var weightPrecision: WeightPrecision = .float32
    @Option(name: .customLong("h0"), help: "Initial hidden state (.npy [L, B, H_out]).")
    var initialHidden: String?
    @Option(name: .customLong("c0"), help: "Initial cell state (.npy [L, B, H]; LSTM only).")
    var initialCell: String?
    @Option(name: .customLong("h-n"), help: "Where to write the final hidden state (.npy).")
    var finalHidden: String?
    @Option(name: .customLong("c-n"), help: "Where to write the final cell state (.npy; LSTM only).")
    var finalCell: String?
    @Option(name: .customLong("max-chunk"), help: "Most frames computed in one feed (default: 64).")
    var maxChunk = 64

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard maxChunk >= 1 else { throw ValidationError("--max-chunk must be at least 1") }
    }

    func run() throws {
        let model = try LSTMModel(stateDict: SafeTensors.read(contentsOf: URL(fileURLWithPath: weights)))
        let configuration = model.configuration
        for (flag, path) in [("--c0", initialCell), ("--c-n", finalCell)] where path != nil && !configuration.hasCellState {
            throw CommandError.noCellState(flag: flag, cell: configuration.cell.description)
        }
        try RunInputs.checkDestinations([("--h-n", finalHidden), ("--c-n", finalCell)].compactMap { flag, path in path.map { (flag, $0) } })
        let hidden = try initialHidden.map { try NumpyFile.readFloats(contentsOf: URL(fileURLWithPath: $0)) }
        let cell = try initialCell.map { try NumpyFile.readFloats(contentsOf: URL(fileURLWithPath: $0)) }
        let engine = try LSTMEngine(
            model: model, device: device,
            options: EngineOptions(weightPrecision: weightPrecision, notice: { Terminal.notice($0) }))
        let session = try StreamingSession(engine: engine, batch: batch, initialHidden: hidden, initialCell: cell)
        Terminal.standardError("streaming \(RunInputs.summary(configuration)) on \(engine.backendName), \(batch) streams")

        let frameBytes = batch * configuration.inputSize * 4
        var pending = [UInt8]()
        var readBuffer = [UInt8](repeating: 0, count: max(frameBytes * maxChunk, 1 << 16))
        var frames = 0
        while true {
            let count = read(STDIN_FILENO, &readBuffer, readBuffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw StreamError.io("reading standard input failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            pending += readBuffer[0..<count]
            while pending.count >= frameBytes {
                let take = min(pending.count / frameBytes, maxChunk)
                let values = Self.floats(pending[0..<(take * frameBytes)])
                pending.removeFirst(take * frameBytes)
                let output = try session.feed(try Tensor(shape: [take, batch, configuration.inputSize], values: values))
                try Self.writeStandardOutput(output.values)
                frames += take
            }
        }
        guard pending.isEmpty else {
            throw StreamError.partialFrame(
                "input ended inside a frame: \(pending.count) bytes after \(frames) whole frames of \(frameBytes) bytes (B=\(batch) × I=\(configuration.inputSize) float32); no state files were written")
        }
        if let finalHidden { try NumpyFile.write(try session.hiddenState(), to: URL(fileURLWithPath: finalHidden)) }
        if let finalCell, let state = try session.cellState() { try NumpyFile.write(state, to: URL(fileURLWithPath: finalCell)) }
        Terminal.standardError("streamed \(frames) frames")
    }

    /// Little-endian float32 bytes as floats.
    static func floats(_ bytes: ArraySlice<UInt8>) -> [Float] {
        var values = [Float](repeating: 0, count: bytes.count / 4)
        var index = bytes.startIndex
        for i in values.indices {
            let bits = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
            values[i] = Float(bitPattern: bits)
            index += 4
        }
        return values
    }

    /// Writes floats as little-endian float32 straight to file descriptor 1 (no buffering, so
    /// each feed's output is out before the next frame is read).
    static func writeStandardOutput(_ values: [Float]) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            bytes += [UInt8(bits & 0xff), UInt8(bits >> 8 & 0xff), UInt8(bits >> 16 & 0xff), UInt8(bits >> 24)]
        }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StreamError.io("writing standard output failed: \(String(cString: strerror(errno)))")
            }
            written += count
        }
    }
}

/// What can go wrong while streaming.
enum StreamError: Error, CustomStringConvertible {
    case partialFrame(String)
    case io(String)

    var description: String {
        switch self {
        case .partialFrame(let message), .io(let message): return message
        }
    }
}
