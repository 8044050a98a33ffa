// The named workload lists `lstm bench --suite` runs: the shapes the peers were measured on
// (shared/PERF.md), DeepBench's inference shapes, and a stacked bidirectional model.
import LSTMRuntime

/// A named list of workloads.
public enum BenchmarkSuite: String, CaseIterable, Sendable {
    /// The five single-layer shapes of the peer table plus one stacked bidirectional model.
    case standard
    /// DeepBench's LSTM inference shapes: H = I of 512, 1024 and 2048 at batch 1 and 4, T = 25.
    case deepbench
    /// Both lists.
    case all

    /// The workloads in the order they run, as models of `cell` (a GRU suite has the same
    /// shapes; it has no projection or peepholes, which no suite workload uses).
    public func workloads(cell: CellKind) -> [Workload] {
        workloads.map { workload in
            var configuration = workload.configuration
            configuration.cell = cell
            return Workload(configuration, batch: workload.batch, steps: workload.steps,
                            name: cell == .lstm ? workload.name : "\(cell) \(workload.name)")
        }
    }

    /// The LSTM workloads in the order they run.
    public var workloads: [Workload] {
        switch self {
        case .standard: return Self.peerShapes + [Self.stackedBidirectional]
        case .deepbench: return Self.deepBenchShapes
        case .all: return Self.standard.workloads + Self.deepBenchShapes
        }
    }

    /// (I, H, B, T) of the peer measurements in shared/PERF.md, one layer.
    static let peerShapes: [Workload] = [
        (512, 512, 1, 100), (512, 512, 16, 100), (512, 512, 64, 100), (1024, 1024, 64, 50), (256, 256, 256, 100),
    ].map { input, hidden, batch, steps in
        Workload(LSTMConfiguration(inputSize: input, hiddenSize: hidden), batch: batch, steps: steps)
    }

    /// DeepBench inference: I = H, T = 25, batch 1 and 4.
    static let deepBenchShapes: [Workload] = [512, 1024, 2048].flatMap { hidden in
        [1, 4].map { batch in
            Workload(LSTMConfiguration(inputSize: hidden, hiddenSize: hidden), batch: batch, steps: 25,
                     name: "DeepBench H\(hidden) B\(batch) T25")
        }
    }

    /// Two bidirectional layers, I = H = 256, B = 16, T = 50.
    static let stackedBidirectional = Workload(
        LSTMConfiguration(inputSize: 256, hiddenSize: 256, layerCount: 2, bidirectional: true), batch: 16, steps: 50)
}
