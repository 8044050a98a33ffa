// The sweep `lstm verify` runs: seeded random LSTM and GRU models and inputs covering the
// sizes that break tiling (1, 3, 37, 129), every variant alone and in combination, and f16
// weights.
// Sizes stay small so the Double CPU reference finishes the sweep in seconds.
import LSTMRuntime

/// One verification case: a model shape, an input shape and which optional inputs to give.
struct VerificationCase {
    var configuration: LSTMConfiguration
    var steps: Int
    var batch: Int
    var initialStates = false
    var lengths = false
    var batchFirst = false
    var precision = WeightPrecision.float32

    /// `LSTM T5 B3 I37 H37 L2 bi P3`.
    var shape: String {
        let c = configuration
        var parts = [c.cell.description, "T\(steps)", "B\(batch)", "I\(c.inputSize)", "H\(c.hiddenSize)"]
        if c.layerCount > 1 { parts.append("L\(c.layerCount)") }
        if c.bidirectional { parts.append("bi") }
        if c.projectionSize > 0 { parts.append("P\(c.projectionSize)") }
        return parts.joined(separator: " ")
    }

    /// What the case exercises beyond its sizes: `h0/c0 lengths batch-first peep nobias f16`.
    var features: String {
        var parts: [String] = []
        if initialStates { parts.append("h0/c0") }
        if lengths { parts.append("lengths") }
        if batchFirst { parts.append("batch-first") }
        if configuration.hasPeepholes { parts.append("peep") }
        if !configuration.hasBias { parts.append("nobias") }
        if configuration.cell == .gru, !configuration.linearBeforeReset { parts.append("reset-first") }
        if precision == .float16 { parts.append("f16") }
        return parts.isEmpty ? "-" : parts.joined(separator: " ")
    }

    /// `.float16Weights` for half-precision weights, else `.float32`.
    var tolerance: Tolerance { precision == .float16 ? .float16Weights : .float32 }

    /// The case's seeded input; lengths start with 1 and T (when B allows) so both extremes occur.
    func input(seed: UInt64) -> LSTMInput {
        var generator = SeededGenerator(seed: seed)
        let c = configuration
        let states = c.layerCount * c.directionCount
        let sequence = generator.tensor(batchFirst ? [batch, steps, c.inputSize] : [steps, batch, c.inputSize])
        var lengthValues: [Int]?
        if lengths {
            var values = (0..<batch).map { _ in Int.random(in: 1...steps, using: &generator) }
            if batch > 1 { values[0] = 1; values[1] = steps }
            lengthValues = values
        }
        return LSTMInput(
            sequence: sequence,
            initialHidden: initialStates ? generator.tensor([states, batch, c.outputSize]) : nil,
            initialCell: initialStates && c.hasCellState ? generator.tensor([states, batch, c.hiddenSize]) : nil,
            lengths: lengthValues, batchFirst: batchFirst)
    }
}

extension VerificationCase {
    private typealias Shape = LSTMConfiguration

    /// Every case, in the order they run.
    static let sweep: [VerificationCase] = sizeSweep + variantSweep + halfPrecisionSweep + gruSweep

    /// Sizes 1, 3, 37 and 129 for I and H, alone and mixed; batch and steps from 1 up.
    static let sizeSweep: [VerificationCase] = [
        VerificationCase(configuration: Shape(inputSize: 1, hiddenSize: 1), steps: 1, batch: 1),
        VerificationCase(configuration: Shape(inputSize: 3, hiddenSize: 3), steps: 4, batch: 2, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 37, hiddenSize: 37), steps: 5, batch: 3, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 129, hiddenSize: 129), steps: 3, batch: 5),
        VerificationCase(configuration: Shape(inputSize: 1, hiddenSize: 37), steps: 1, batch: 4, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 37, hiddenSize: 1), steps: 6, batch: 1),
        VerificationCase(configuration: Shape(inputSize: 3, hiddenSize: 129), steps: 2, batch: 7, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 129, hiddenSize: 3), steps: 7, batch: 2, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 37, hiddenSize: 37), steps: 3, batch: 33, lengths: true),
    ]

    /// Each variant alone, then combined, at odd sizes.
    static let variantSweep: [VerificationCase] = [
        VerificationCase(configuration: Shape(inputSize: 5, hiddenSize: 11, layerCount: 2), steps: 5, batch: 3, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 7, hiddenSize: 9, layerCount: 3), steps: 4, batch: 2),
        VerificationCase(configuration: Shape(inputSize: 6, hiddenSize: 13, bidirectional: true), steps: 6, batch: 3, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 5, hiddenSize: 11, projectionSize: 3), steps: 5, batch: 3, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 4, hiddenSize: 7, hasPeepholes: true), steps: 5, batch: 3, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 3, hiddenSize: 9, hasBias: false), steps: 4, batch: 2),
        VerificationCase(configuration: Shape(inputSize: 5, hiddenSize: 7), steps: 7, batch: 5, lengths: true),
        VerificationCase(configuration: Shape(inputSize: 5, hiddenSize: 9), steps: 6, batch: 3, initialStates: true, batchFirst: true),
        VerificationCase(configuration: Shape(inputSize: 6, hiddenSize: 11, projectionSize: 5, layerCount: 2, bidirectional: true),
                         steps: 5, batch: 4, initialStates: true, lengths: true),
        VerificationCase(configuration: Shape(inputSize: 4, hiddenSize: 13, bidirectional: true, hasBias: false, hasPeepholes: true),
                         steps: 6, batch: 3, initialStates: true, lengths: true),
        VerificationCase(configuration: Shape(inputSize: 9, hiddenSize: 19, projectionSize: 7, layerCount: 2, hasPeepholes: true),
                         steps: 5, batch: 3, initialStates: true),
        VerificationCase(configuration: Shape(inputSize: 1, hiddenSize: 37, layerCount: 2, bidirectional: true, hasBias: false),
                         steps: 8, batch: 6, lengths: true, batchFirst: true),
        VerificationCase(configuration: Shape(inputSize: 8, hiddenSize: 17, projectionSize: 3, layerCount: 3, bidirectional: true,
                                              hasPeepholes: true),
                         steps: 4, batch: 5, lengths: true, batchFirst: true),
        VerificationCase(configuration: Shape(inputSize: 3, hiddenSize: 5, projectionSize: 2, layerCount: 3, bidirectional: true,
                                              hasBias: false, hasPeepholes: true),
                         steps: 3, batch: 2, initialStates: true, lengths: true, batchFirst: true),
        VerificationCase(configuration: Shape(inputSize: 129, hiddenSize: 129, layerCount: 2, bidirectional: true),
                         steps: 3, batch: 4, initialStates: true, lengths: true),
    ]

    /// Half-precision weight storage on a few shapes and variants.
    static let halfPrecisionSweep: [VerificationCase] = [
        VerificationCase(configuration: Shape(inputSize: 37, hiddenSize: 37), steps: 5, batch: 3, initialStates: true,
                         precision: .float16),
        VerificationCase(configuration: Shape(inputSize: 129, hiddenSize: 129), steps: 2, batch: 3, precision: .float16),
        VerificationCase(configuration: Shape(inputSize: 6, hiddenSize: 11, projectionSize: 5, layerCount: 2, bidirectional: true),
                         steps: 5, batch: 4, initialStates: true, lengths: true, precision: .float16),
        VerificationCase(configuration: Shape(inputSize: 4, hiddenSize: 13, bidirectional: true, hasPeepholes: true),
                         steps: 6, batch: 3, lengths: true, precision: .float16),
    ]

    /// GRU in both reset forms: odd sizes, each variant, combinations and f16 weights.
    static let gruSweep: [VerificationCase] = [
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 1, hiddenSize: 1), steps: 1, batch: 1),
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 3, hiddenSize: 37), steps: 4, batch: 2, initialStates: true),
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 129, hiddenSize: 129, linearBeforeReset: false),
                         steps: 3, batch: 5, initialStates: true),
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 5, hiddenSize: 11, layerCount: 3), steps: 5, batch: 3,
                         initialStates: true),
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 6, hiddenSize: 13, bidirectional: true), steps: 6, batch: 3,
                         lengths: true),
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 3, hiddenSize: 9, hasBias: false), steps: 4, batch: 2,
                         batchFirst: true),
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 37, hiddenSize: 37), steps: 3, batch: 33, lengths: true),
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 8, hiddenSize: 17, layerCount: 2, bidirectional: true,
                                              hasBias: false, linearBeforeReset: false),
                         steps: 5, batch: 4, initialStates: true, lengths: true, batchFirst: true),
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 37, hiddenSize: 37, bidirectional: true),
                         steps: 5, batch: 3, initialStates: true, lengths: true, precision: .float16),
        VerificationCase(configuration: Shape(cell: .gru, inputSize: 129, hiddenSize: 129, linearBeforeReset: false),
                         steps: 2, batch: 3, precision: .float16),
    ]
}
