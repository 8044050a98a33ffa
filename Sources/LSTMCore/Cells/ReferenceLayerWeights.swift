// One layer-direction's weights in Double, as the CPU reference reads them, and the state
// one sequence carries through the reference.
import Foundation

/// A layer-direction's weights in Double precision, rows in the cell's gate order.
public struct ReferenceLayerWeights: Sendable {
    /// Units per direction (H).
    public let hiddenSize: Int
    /// Features of this layer's input.
    public let inputSize: Int
    /// Width of the recurrent input: H, or P with projection.
    public let recurrentSize: Int
    /// `weight_ih` [G·H, inputSize].
    public let inputWeights: [Double]
    /// `weight_hh` [G·H, recurrentSize].
    public let recurrentWeights: [Double]
    /// `bias_ih` [G·H] (zeros without biases).
    public let inputBias: [Double]
    /// `bias_hh` [G·H] (zeros without biases).
    public let recurrentBias: [Double]
    /// `weight_hr` [P, H], LSTM with projection only.
    public let projection: [Double]?
    /// `weight_peephole` [3, H] (rows i, f, o), LSTM with peepholes only.
    public let peephole: [Double]?
    /// GRU only: whether r multiplies `W_hn h + b_hn` (PyTorch) or h before W_hn (ONNX's default).
    public let linearBeforeReset: Bool
    /// The activations, clip and coupled gates the step applies.
    public let gates: GateFunctions

    /// Converts `weights` of a layer with `gateCount` gates; sizes follow from the arrays,
    /// which ``LSTMModel`` has already checked.
    public init(_ weights: LayerWeights, gateCount: Int, hiddenSize: Int, linearBeforeReset: Bool,
                gates: GateFunctions = .standard) {
        let rows = gateCount * hiddenSize
        self.hiddenSize = hiddenSize
        inputSize = weights.inputWeights.count / rows
        recurrentSize = weights.recurrentWeights.count / rows
        inputWeights = weights.inputWeights.map(Double.init)
        recurrentWeights = weights.recurrentWeights.map(Double.init)
        inputBias = weights.inputBias.map { $0.map(Double.init) } ?? Array(repeating: 0, count: rows)
        recurrentBias = weights.recurrentBias.map { $0.map(Double.init) } ?? Array(repeating: 0, count: rows)
        projection = weights.projectionWeights.map { $0.map(Double.init) }
        peephole = weights.peepholeWeights.map { $0.map(Double.init) }
        self.linearBeforeReset = linearBeforeReset
        self.gates = gates
    }

    /// Row `row` of `weight_ih` times x.
    func inputProduct(row: Int, _ x: ArraySlice<Double>) -> Double {
        var sum = 0.0
        let start = row * inputSize
        for (k, value) in x.enumerated() { sum += inputWeights[start + k] * value }
        return sum
    }

    /// Row `row` of `weight_hh` times `h`.
    func recurrentProduct(row: Int, _ h: [Double]) -> Double {
        var sum = 0.0
        let start = row * recurrentSize
        for k in 0..<recurrentSize { sum += recurrentWeights[start + k] * h[k] }
        return sum
    }
}

/// The state of one sequence in one layer-direction: h, and c for cells that have it.
public struct ReferenceState: Sendable {
    /// h: [H_out].
    public var hidden: [Double]
    /// c: [H], empty for cells without a c state.
    public var cell: [Double]

    public init(hidden: [Double], cell: [Double]) {
        self.hidden = hidden
        self.cell = cell
    }
}

/// The logistic function.
@inline(__always) func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
