// Seeded random inputs for any model configuration: the one place tests draw sequences,
// initial states and lengths from (never zeros).
import LSTMCore

/// Seeded random inputs in ±1.
public enum SeededInputs {
    /// A random sequence, random h0 (and c0 for cells that have one) unless `withStates` is
    /// false, and the given lengths.
    public static func input(
        _ configuration: LSTMConfiguration, steps: Int, batch: Int, seed: UInt64,
        lengths: [Int]? = nil, batchFirst: Bool = false, withStates: Bool = true
    ) -> LSTMInput {
        var generator = SeededGenerator(seed: seed)
        let states = configuration.layerCount * configuration.directionCount
        let sequence = generator.tensor(
            batchFirst ? [batch, steps, configuration.inputSize] : [steps, batch, configuration.inputSize])
        let hidden = generator.tensor([states, batch, configuration.outputSize])
        let cell = configuration.hasCellState ? generator.tensor([states, batch, configuration.hiddenSize]) : nil
        return LSTMInput(
            sequence: sequence, initialHidden: withStates ? hidden : nil,
            initialCell: withStates ? cell : nil, lengths: lengths, batchFirst: batchFirst)
    }

    /// Random lengths in 1...steps, not in the decreasing order PyTorch's `enforce_sorted`
    /// wants (when batch and steps allow): the first is 1, the second the full length.
    public static func unsortedLengths(steps: Int, batch: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        var lengths = (0..<batch).map { _ in Int.random(in: 1...steps, using: &generator) }
        if batch > 1, steps > 1 {
            lengths[0] = 1
            lengths[1] = steps
        }
        return lengths
    }

    /// A random input with initial states and unsorted lengths.
    public static func inputWithLengths(_ configuration: LSTMConfiguration, steps: Int, batch: Int, seed: UInt64) -> LSTMInput {
        input(configuration, steps: steps, batch: batch, seed: seed,
              lengths: unsortedLengths(steps: steps, batch: batch, seed: seed &+ 1))
    }
}
