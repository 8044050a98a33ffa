// The GRU cell as torch.nn.GRU defines it (gates r, z, n):
//   r = σ(W_ir x + b_ir + W_hr h + b_hr)
//   z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn))        (linear before reset: PyTorch)
//   n = tanh(W_in x + b_in + W_hn (r⊙h) + b_hn)        (ONNX's linear_before_reset = 0)
//   h' = (1 − z)⊙n + z⊙h
// No projection and no peepholes: torch.nn.GRU has neither.
import Foundation

/// The declaration of the GRU cell.
public enum GRUCellDeclaration: RecurrentCellDeclaration {
    public static let kind = CellKind.gru
    public static let gateNames = ["r", "z", "n"]
    public static let states: [RecurrentState] = [.hidden]

    public static func weightTensors(layer: Int, _ configuration: LSTMConfiguration) -> [WeightTensorSpec] {
        let rows = 3 * configuration.hiddenSize
        var tensors = [
            WeightTensorSpec(kind: "weight_ih", shape: [rows, configuration.layerInputSize(layer)]),
            WeightTensorSpec(kind: "weight_hh", shape: [rows, configuration.hiddenSize]),
        ]
        if configuration.hasBias {
            tensors += [WeightTensorSpec(kind: "bias_ih", shape: [rows]), WeightTensorSpec(kind: "bias_hh", shape: [rows])]
        }
        return tensors
    }

    public static func multiplyAddsPerStep(layer: Int, _ configuration: LSTMConfiguration) -> Int {
        3 * configuration.hiddenSize * (configuration.layerInputSize(layer) + configuration.hiddenSize)
    }

    public static func referenceStep(_ weights: ReferenceLayerWeights, x: ArraySlice<Double>, state: inout ReferenceState) {
        let H = weights.hiddenSize
        let h = state.hidden
        func inputSide(_ row: Int) -> Double { weights.inputBias[row] + weights.inputProduct(row: row, x) }
        func recurrentSide(_ row: Int, _ vector: [Double]) -> Double {
            weights.recurrentBias[row] + weights.recurrentProduct(row: row, vector)
        }
        // ONNX's gate functions: f (σ) for r and z, g (tanh) for n, inputs clipped if asked.
        let gates = weights.gates
        func f(_ x: Double) -> Double { gates.f.apply(gates.clipped(x)) }
        func g(_ x: Double) -> Double { gates.g.apply(gates.clipped(x)) }
        let r = (0..<H).map { f(inputSide($0) + recurrentSide($0, h)) }
        let z = (0..<H).map { f(inputSide(H + $0) + recurrentSide(H + $0, h)) }
        let resetHidden = zip(r, h).map { $0 * $1 }
        for unit in 0..<H {
            let row = 2 * H + unit
            let candidate = weights.linearBeforeReset
                ? g(inputSide(row) + r[unit] * recurrentSide(row, h))
                : g(inputSide(row) + recurrentSide(row, resetHidden))
            state.hidden[unit] = (1 - z[unit]) * candidate + z[unit] * h[unit]
        }
    }
}
