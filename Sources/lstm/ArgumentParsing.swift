// Parsers for option values shared by the subcommands, and the model-shape option group
// of `bench` and `tune`.
import ArgumentParser
import LSTMBenchmarks
import LSTMRuntime

enum ArgumentParsing {
    @Sendable static func device(_ text: String) throws -> DeviceSelection {
        try DeviceSelection(parsing: text)
    }

    @Sendable static func precision(_ text: String) throws -> WeightPrecision {
        guard let precision = WeightPrecision(rawValue: text.lowercased()) else {
            throw ValidationError("unknown weight precision '\(text)': use f32 or f16")
        }
        return precision
    }

    @Sendable static func byteCount(_ text: String) throws -> Int {
        guard let bytes = EngineOptions.parseByteCount(text) else {
            throw ValidationError("invalid byte count '\(text)': give a number such as 1048576, 512K, 64M or 2G")
        }
        return bytes
    }

    @Sendable static func kernels(_ text: String) throws -> KernelSelection {
        guard let selection = KernelSelection(parsing: text) else {
            throw ValidationError("unknown kernel family '\(text)': use auto, cpu or gpu")
        }
        return selection
    }

    @Sendable static func cell(_ text: String) throws -> CellKind {
        guard let cell = CellKind(rawValue: text.lowercased()) else {
            throw ValidationError("unknown cell '\(text)': use \(CellKind.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        return cell
    }

    @Sendable static func suite(_ text: String) throws -> BenchmarkSuite {
        guard let suite = BenchmarkSuite(rawValue: text.lowercased()) else {
            throw ValidationError("unknown suite '\(text)': use \(BenchmarkSuite.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return suite
    }
}

/// `--input-size --hidden --batch --steps [--layers] [--bidirectional] [--proj] [--peepholes]`.
struct WorkloadOptions: ParsableArguments {
    @Option(help: "The cell: lstm or gru (torch.nn.GRU's form).", transform: ArgumentParsing.cell)
    var cell: CellKind = .lstm
    @Option(name: .customLong("input-size"), help: "Features per timestep (I).")
    var inputSize: Int?
    @Option(help: "Hidden size (H).")
    var hidden: Int?
    @Option(help: "Sequences per batch (B).")
    var batch: Int?
    @Option(help: "Timesteps (T).")
    var steps: Int?
    @Option(help: "Stacked layers.")
    var layers = 1
    @Flag(help: "Add a reverse-time direction to every layer.")
    var bidirectional = false
    @Option(help: "Projection size (proj_size); 0 for none.")
    var proj = 0
    @Flag(help: "Add peephole connections.")
    var peepholes = false

    /// Whether any of the four size flags was given.
    var anySizeGiven: Bool { [inputSize, hidden, batch, steps].contains { $0 != nil } }

    /// The workload the flags describe, or `nil` when no size flag was given.
    func workload() throws -> Workload? {
        guard anySizeGiven else {
            if layers != 1 || bidirectional || proj != 0 || peepholes {
                throw ValidationError("--layers, --bidirectional, --proj and --peepholes need --input-size, --hidden, --batch and --steps")
            }
            return nil
        }
        guard let inputSize, let hidden, let batch, let steps else {
            throw ValidationError("give all of --input-size, --hidden, --batch and --steps")
        }
        guard batch > 0, steps > 0 else {
            throw ValidationError("--batch and --steps must be positive")
        }
        let configuration = LSTMConfiguration(
            cell: cell, inputSize: inputSize, hiddenSize: hidden, projectionSize: proj, layerCount: layers,
            bidirectional: bidirectional, hasPeepholes: peepholes)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        return Workload(configuration, batch: batch, steps: steps)
    }
}
