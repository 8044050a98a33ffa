// The CPU reference: a plain, readable recurrent network in Double precision. It is the
// oracle every kernel is checked against and the backend used when no OpenCL device exists.
// The loop over layers, directions, sequences and steps is the same for every cell; the
// step itself is the cell declaration's (Cells/).
import Foundation

/// Runs an ``LSTMModel`` (LSTM or GRU) on the CPU, accumulating in Double, one step at a time.
public final class CPUReference: LSTMBackend, @unchecked Sendable {
    // @unchecked: all stored state is immutable after init.
    public let model: LSTMModel
    public var name: String { "cpu-reference" }
    private let layers: [[ReferenceLayerWeights]]

    public init(model: LSTMModel) {
        self.model = model
        let configuration = model.configuration
        self.layers = model.layers.map {
            $0.map {
                ReferenceLayerWeights(
                    $0, gateCount: configuration.gateCount, hiddenSize: configuration.hiddenSize,
                    linearBeforeReset: configuration.linearBeforeReset, gates: configuration.gateFunctions)
            }
        }
    }

    public func run(_ problem: ForwardProblem) throws -> ForwardResult {
        let configuration = model.configuration
        // The memberwise ForwardProblem initialiser trusts its caller; refuse rather than trap.
        try problem.validate(for: configuration)
        let (steps, batch) = (problem.steps, problem.batch)
        let hiddenSize = configuration.hiddenSize
        let outputSize = configuration.outputSize
        let directions = configuration.directionCount
        let declaration = configuration.declaration
        let cellWidth = configuration.cellStateSize
        var finalHidden = [Float](repeating: 0, count: problem.initialHidden.count)
        var finalCell = [Float](repeating: 0, count: problem.initialCell.count)

        var layerInput = problem.sequence.map(Double.init)
        var inputWidth = configuration.inputSize
        for layer in 0..<configuration.layerCount {
            let width = directions * outputSize
            var layerOutput = [Double](repeating: 0, count: steps * batch * width)
            for direction in 0..<directions {
                let weights = layers[layer][direction]
                let stateIndex = layer * directions + direction
                for sequence in 0..<batch {
                    let hiddenStart = (stateIndex * batch + sequence) * outputSize
                    let cellStart = (stateIndex * batch + sequence) * cellWidth
                    var state = ReferenceState(
                        hidden: problem.initialHidden[hiddenStart..<hiddenStart + outputSize].map(Double.init),
                        cell: problem.initialCell[cellStart..<cellStart + cellWidth].map(Double.init))
                    let length = problem.lengths[sequence]
                    for step in 0..<length {
                        let t = direction == 0 ? step : length - 1 - step
                        let xStart = (t * batch + sequence) * inputWidth
                        declaration.referenceStep(weights, x: layerInput[xStart..<xStart + inputWidth], state: &state)
                        let outStart = (t * batch + sequence) * width + direction * outputSize
                        for unit in 0..<outputSize { layerOutput[outStart + unit] = state.hidden[unit] }
                    }
                    for unit in 0..<outputSize { finalHidden[hiddenStart + unit] = Float(state.hidden[unit]) }
                    for unit in 0..<cellWidth { finalCell[cellStart + unit] = Float(state.cell[unit]) }
                }
            }
            layerInput = layerOutput
            inputWidth = width
        }
        return ForwardResult(
            output: layerInput.map(Float.init), finalHidden: finalHidden, finalCell: finalCell)
    }
}
