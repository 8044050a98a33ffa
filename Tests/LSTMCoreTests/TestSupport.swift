// Helpers shared by the LSTMCore tests: seeded inputs and a one-call forward pass.
import LSTMCore

/// A seeded input for `configuration`: random sequence in ±1, optional random h0/c0 and lengths.
func makeInput(
    _ configuration: LSTMConfiguration, steps: Int, batch: Int, seed: UInt64,
    lengths: [Int]? = nil, batchFirst: Bool = false, withStates: Bool = true
) -> LSTMInput {
    var generator = SeededGenerator(seed: seed)
    let states = configuration.layerCount * configuration.directionCount
    let sequenceShape = batchFirst
        ? [batch, steps, configuration.inputSize] : [steps, batch, configuration.inputSize]
    let sequence = generator.tensor(sequenceShape)
    let hidden = generator.tensor([states, batch, configuration.outputSize])
    let cell = generator.tensor([states, batch, configuration.hiddenSize])
    return LSTMInput(
        sequence: sequence, initialHidden: withStates ? hidden : nil,
        initialCell: withStates ? cell : nil, lengths: lengths, batchFirst: batchFirst)
}

/// Runs `input` through the CPU reference and shapes the result as `nn.LSTM` would.
func referenceForward(_ model: LSTMModel, _ input: LSTMInput) throws -> LSTMOutput {
    let problem = try ForwardProblem(input, configuration: model.configuration)
    let result = try CPUReference(model: model).run(problem)
    return try result.shaped(for: problem, batchFirst: input.batchFirst)
}

/// Random lengths in 1...steps, not in the decreasing order PyTorch's `enforce_sorted`
/// wants (when batch and steps allow): the first is 1, the second the full length.
func unsortedLengths(steps: Int, batch: Int, seed: UInt64) -> [Int] {
    var generator = SeededGenerator(seed: seed)
    var lengths = (0..<batch).map { _ in Int.random(in: 1...steps, using: &generator) }
    if batch > 1, steps > 1 {
        lengths[0] = 1
        lengths[1] = steps
    }
    return lengths
}

/// A short human-readable summary of a configuration for test-case names.
func describe(_ configuration: LSTMConfiguration) -> String {
    var parts = ["I\(configuration.inputSize)", "H\(configuration.hiddenSize)", "L\(configuration.layerCount)"]
    if configuration.projectionSize > 0 { parts.append("P\(configuration.projectionSize)") }
    if configuration.bidirectional { parts.append("bi") }
    if configuration.hasPeepholes { parts.append("peep") }
    if !configuration.hasBias { parts.append("nobias") }
    return parts.joined(separator: " ")
}
