// The CPU reference: a plain, readable LSTM in Double precision. It is the oracle every
// kernel is checked against and the backend used when no OpenCL device exists.
import Foundation

/// Runs an ``LSTMModel`` on the CPU, accumulating in Double, one step at a time.
public final class CPUReference: LSTMBackend, @unchecked Sendable {
    // @unchecked: all stored state is immutable after init.
    public let model: LSTMModel
    public var name: String { "cpu-reference" }
    private let cells: [[DoubleCell]]

    public init(model: LSTMModel) {
        self.model = model
        let hiddenSize = model.configuration.hiddenSize
        self.cells = model.cells.map { $0.map { DoubleCell($0, hiddenSize: hiddenSize) } }
    }

    public func run(_ problem: ForwardProblem) throws -> ForwardResult {
        let configuration = model.configuration
        // The memberwise ForwardProblem initialiser trusts its caller; refuse rather than trap.
        try problem.validate(for: configuration)
        let (steps, batch) = (problem.steps, problem.batch)
        let hiddenSize = configuration.hiddenSize
        let outputSize = configuration.outputSize
        let directions = configuration.directionCount
        var finalHidden = [Float](repeating: 0, count: problem.initialHidden.count)
        var finalCell = [Float](repeating: 0, count: problem.initialCell.count)

        var layerInput = problem.sequence.map(Double.init)
        var inputWidth = configuration.inputSize
        for layer in 0..<configuration.layerCount {
            let width = directions * outputSize
            var layerOutput = [Double](repeating: 0, count: steps * batch * width)
            for direction in 0..<directions {
                let cell = cells[layer][direction]
                let stateIndex = layer * directions + direction
                for sequence in 0..<batch {
                    let hiddenStart = (stateIndex * batch + sequence) * outputSize
                    let cellStart = (stateIndex * batch + sequence) * hiddenSize
                    var h = problem.initialHidden[hiddenStart..<hiddenStart + outputSize].map(Double.init)
                    var c = problem.initialCell[cellStart..<cellStart + hiddenSize].map(Double.init)
                    let length = problem.lengths[sequence]
                    for step in 0..<length {
                        let t = direction == 0 ? step : length - 1 - step
                        let xStart = (t * batch + sequence) * inputWidth
                        let x = layerInput[xStart..<xStart + inputWidth]
                        cell.step(x: x, h: &h, c: &c)
                        let outStart = (t * batch + sequence) * width + direction * outputSize
                        for unit in 0..<outputSize { layerOutput[outStart + unit] = h[unit] }
                    }
                    for unit in 0..<outputSize { finalHidden[hiddenStart + unit] = Float(h[unit]) }
                    for unit in 0..<hiddenSize { finalCell[cellStart + unit] = Float(c[unit]) }
                }
            }
            layerInput = layerOutput
            inputWidth = width
        }
        return ForwardResult(
            output: layerInput.map(Float.init), finalHidden: finalHidden, finalCell: finalCell)
    }
}

/// One layer-direction's weights in Double, with the step function.
private struct DoubleCell {
    let hiddenSize: Int
    let inputSize: Int
    let recurrentSize: Int
    let inputWeights: [Double]      // [4H, inputSize]
    let recurrentWeights: [Double]  // [4H, recurrentSize]
    let bias: [Double]              // [4H]
    let projection: [Double]?       // [P, H]
    let peephole: [Double]?         // [3, H]: i, f, o

    init(_ weights: LSTMCellWeights, hiddenSize: Int) {
        // Sizes follow from the arrays; LSTMModel has already checked them against each other.
        self.hiddenSize = hiddenSize
        self.inputSize = weights.inputWeights.count / (4 * hiddenSize)
        self.recurrentSize = weights.recurrentWeights.count / (4 * hiddenSize)
        self.inputWeights = weights.inputWeights.map(Double.init)
        self.recurrentWeights = weights.recurrentWeights.map(Double.init)
        self.bias = weights.combinedBias(hiddenSize: hiddenSize)
        self.projection = weights.projectionWeights.map { $0.map(Double.init) }
        self.peephole = weights.peepholeWeights.map { $0.map(Double.init) }
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Advances (h, c) by one timestep with input x.
    func step(x: ArraySlice<Double>, h: inout [Double], c: inout [Double]) {
        let H = hiddenSize
        var z = bias
        for row in 0..<(4 * H) {
            var sum = 0.0
            let inputRow = row * inputSize
            for (k, value) in x.enumerated() { sum += inputWeights[inputRow + k] * value }
            let recurrentRow = row * recurrentSize
            for k in 0..<recurrentSize { sum += recurrentWeights[recurrentRow + k] * h[k] }
            z[row] += sum
        }
        var cellOutput = [Double](repeating: 0, count: H)
        for unit in 0..<H {
            var zi = z[unit], zf = z[H + unit], zo = z[3 * H + unit]
            let zg = z[2 * H + unit]
            if let p = peephole {
                zi += p[unit] * c[unit]
                zf += p[H + unit] * c[unit]
            }
            let newCell = Self.sigmoid(zf) * c[unit] + Self.sigmoid(zi) * tanh(zg)
            if let p = peephole { zo += p[2 * H + unit] * newCell }
            c[unit] = newCell
            cellOutput[unit] = Self.sigmoid(zo) * tanh(newCell)
        }
        if let projection {
            let P = projection.count / H
            for row in 0..<P {
                var sum = 0.0
                for unit in 0..<H { sum += projection[row * H + unit] * cellOutput[unit] }
                h[row] = sum
            }
        } else {
            h = cellOutput
        }
    }
}
