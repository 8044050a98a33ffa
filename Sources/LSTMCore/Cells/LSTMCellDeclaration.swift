// The LSTM cell as torch.nn.LSTM defines it (gates i, f, g, o), with PyTorch's projection
// (`proj_size`) and ONNX-style peepholes:
//   i = σ(z_i + p_i⊙c), f = σ(z_f + p_f⊙c), g = tanh(z_g), c' = f⊙c + i⊙g,
//   o = σ(z_o + p_o⊙c'), h' = o⊙tanh(c'), then h' = W_hr h' with projection,
// where z = W_ih x + b_ih + W_hh h + b_hh. ONNX models may replace σ and the two tanh by
// other activations, clip their inputs and couple f = 1 − i (``GateFunctions``).
import Foundation

/// The declaration of the LSTM cell.
public enum LSTMCellDeclaration: RecurrentCellDeclaration {
    public static let kind = CellKind.lstm
    public static let gateNames = ["i", "f", "g", "o"]
    public static let states: [RecurrentState] = [.hidden, .cell]

    public static func weightTensors(layer: Int, _ configuration: LSTMConfiguration) -> [WeightTensorSpec] {
        let rows = 4 * configuration.hiddenSize
        var tensors = [
            WeightTensorSpec(kind: "weight_ih", shape: [rows, configuration.layerInputSize(layer)]),
            WeightTensorSpec(kind: "weight_hh", shape: [rows, configuration.outputSize]),
        ]
        if configuration.hasBias {
            tensors += [WeightTensorSpec(kind: "bias_ih", shape: [rows]), WeightTensorSpec(kind: "bias_hh", shape: [rows])]
        }
        if configuration.projectionSize > 0 {
            tensors.append(WeightTensorSpec(kind: "weight_hr", shape: [configuration.projectionSize, configuration.hiddenSize]))
        }
        if configuration.hasPeepholes {
            tensors.append(WeightTensorSpec(kind: "weight_peephole", shape: [3, configuration.hiddenSize]))
        }
        return tensors
    }

    public static func multiplyAddsPerStep(layer: Int, _ configuration: LSTMConfiguration) -> Int {
        let gates = 4 * configuration.hiddenSize * (configuration.layerInputSize(layer) + configuration.outputSize)
        return gates + configuration.projectionSize * configuration.hiddenSize
    }

    public static func referenceStep(_ weights: ReferenceLayerWeights, x: ArraySlice<Double>, state: inout ReferenceState) {
        let H = weights.hiddenSize
        var z = [Double](repeating: 0, count: 4 * H)
        for row in 0..<(4 * H) {
            let bias = weights.inputBias[row] + weights.recurrentBias[row]
            z[row] = bias + (weights.inputProduct(row: row, x) + weights.recurrentProduct(row: row, state.hidden))
        }
        var cellOutput = [Double](repeating: 0, count: H)
        for unit in 0..<H {
            var zi = z[unit], zf = z[H + unit], zo = z[3 * H + unit]
            let zg = z[2 * H + unit]
            let c = state.cell[unit]
            if let p = weights.peephole {
                zi += p[unit] * c
                zf += p[H + unit] * c
            }
            // ONNX's gate functions (the standard set is σ, tanh, tanh, no clip): every
            // activation's input is clipped; input_forget couples f = 1 − i.
            let gates = weights.gates
            let inputGate = gates.f.apply(gates.clipped(zi))
            let forgetGate = gates.coupledInputForget ? 1 - inputGate : gates.f.apply(gates.clipped(zf))
            let newCell = forgetGate * c + inputGate * gates.g.apply(gates.clipped(zg))
            if let p = weights.peephole { zo += p[2 * H + unit] * newCell }
            state.cell[unit] = newCell
            cellOutput[unit] = gates.f.apply(gates.clipped(zo)) * gates.h.apply(gates.clipped(newCell))
        }
        guard let projection = weights.projection else {
            state.hidden = cellOutput
            return
        }
        let P = projection.count / H
        for row in 0..<P {
            var sum = 0.0
            for unit in 0..<H { sum += projection[row * H + unit] * cellOutput[unit] }
            state.hidden[row] = sum
        }
    }
}
