// Helpers of the LSTMCore tests: a one-call forward pass and case names (seeded inputs come
// from LSTMTestSupport).
import LSTMCore

/// Runs `input` through the CPU reference and shapes the result as `nn.LSTM` would.
func referenceForward(_ model: LSTMModel, _ input: LSTMInput) throws -> LSTMOutput {
    let problem = try ForwardProblem(input, configuration: model.configuration)
    let result = try CPUReference(model: model).run(problem)
    return try result.shaped(for: problem, batchFirst: input.batchFirst)
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
