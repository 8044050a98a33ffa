// One benchmark shape: a model configuration with a batch and a sequence length, plus the
// seeded model and inputs every device runs on.
import LSTMRuntime

/// A model shape with a batch size and a sequence length, timed as one forward pass.
public struct Workload: Sendable, Equatable, CustomStringConvertible {
    /// Short label for tables and JSON (`512x512 B16 T100`).
    public var name: String
    /// The model shape.
    public var configuration: LSTMConfiguration
    /// Timesteps T.
    public var steps: Int
    /// Sequences B.
    public var batch: Int

    /// A workload named after its shape unless a name is given.
    public init(_ configuration: LSTMConfiguration, batch: Int, steps: Int, name: String? = nil) {
        self.configuration = configuration
        self.batch = batch
        self.steps = steps
        self.name = name ?? Self.label(configuration, batch: batch, steps: steps)
    }

    /// Floating-point operations of one forward pass (``LSTMConfiguration/flops(steps:batch:)``).
    public var flops: Double { configuration.flops(steps: steps, batch: batch) }

    /// The workload's label.
    public var description: String { name }

    /// `I512 H512 B16 T100`, with `L2`, `bi`, `P128`, `peep`, `nobias` when they apply, and
    /// the cell first when it is not an LSTM (`GRU I512 ...`).
    public static func label(_ configuration: LSTMConfiguration, batch: Int, steps: Int) -> String {
        var parts = configuration.cell == .lstm ? [] : [configuration.cell.description]
        parts += ["I\(configuration.inputSize)", "H\(configuration.hiddenSize)"]
        if configuration.layerCount > 1 { parts.append("L\(configuration.layerCount)") }
        if configuration.bidirectional { parts.append("bi") }
        if configuration.projectionSize > 0 { parts.append("P\(configuration.projectionSize)") }
        if configuration.hasPeepholes { parts.append("peep") }
        if !configuration.hasBias { parts.append("nobias") }
        parts += ["B\(batch)", "T\(steps)"]
        return parts.joined(separator: " ")
    }

    /// The seeded random model of this shape (weights in ±1/√H, as PyTorch initialises).
    public func model(seed: UInt64 = 2024) throws -> LSTMModel {
        try LSTMModel.random(configuration, seed: seed)
    }

    /// A seeded random input in ±1 with random initial states, ready for `LSTMEngine.run`.
    public func problem(seed: UInt64 = 7) throws -> ForwardProblem {
        var generator = SeededGenerator(seed: seed)
        let states = configuration.layerCount * configuration.directionCount
        let input = LSTMInput(
            sequence: generator.tensor([steps, batch, configuration.inputSize]),
            initialHidden: generator.tensor([states, batch, configuration.outputSize], in: -0.5...0.5),
            initialCell: configuration.hasCellState
                ? generator.tensor([states, batch, configuration.hiddenSize], in: -0.5...0.5) : nil)
        return try ForwardProblem(input, configuration: configuration)
    }
}
