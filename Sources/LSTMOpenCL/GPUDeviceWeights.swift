// One layer-direction's weights in the GPU family's layout, uploaded once.
import LSTMCore
import OpenCLKit

/// Packed device copies of one layer-direction's weights for the GPU kernels.
struct GPUDeviceWeights {
    /// W_ih as [K_in][N].
    let inputWeights: Buffer
    /// W_hh as [K][N] (K = output size).
    let recurrentWeights: Buffer
    /// The input-side bias folded into G, [N] (float): bias_ih + bias_hh, except a GRU's
    /// candidate rows in the linear-before-reset form, which take b_in alone.
    let bias: Buffer
    /// A GRU's b_hn [Hp] in the linear-before-reset form (inside r's product), else a placeholder.
    let candidateBias: Buffer
    /// [3][Hp] (rows i, f, o), or a 1-element placeholder without peepholes.
    let peepholes: Buffer
    /// W_hr as [H][P], or a placeholder without projection.
    let projection: Buffer

    init(_ layerWeights: LayerWeights, layer: Int, configuration: LSTMConfiguration, gates: Int,
         precision: WeightPrecision, context: Context, queue: CommandQueue) throws {
        let hidden = configuration.hiddenSize
        func upload(_ values: [Float], asWeights: Bool) throws -> Buffer {
            if asWeights, let halves = precision.encode(values) {
                let buffer = try Buffer(context: context, byteCount: halves.count * 2)
                try queue.write(halves, to: buffer)
                return buffer
            }
            let buffer = try Buffer(context: context, byteCount: values.count * 4)
            try queue.write(values, to: buffer)
            return buffer
        }
        inputWeights = try upload(
            GPUWeightPacking.packGateWeights(
                layerWeights.inputWeights, gates: gates, hiddenSize: hidden, inputSize: configuration.layerInputSize(layer)),
            asWeights: true)
        recurrentWeights = try upload(
            GPUWeightPacking.packGateWeights(
                layerWeights.recurrentWeights, gates: gates, hiddenSize: hidden, inputSize: configuration.outputSize),
            asWeights: true)
        var bias = layerWeights.combinedBias(rows: gates * hidden).map(Float.init)
        let candidateRows = (2 * hidden)..<(3 * hidden)
        if configuration.cell == .gru, configuration.linearBeforeReset {
            for row in candidateRows { bias[row] = layerWeights.inputBias?[row] ?? 0 }
            let candidate = candidateRows.map { layerWeights.recurrentBias?[$0] ?? 0 }
            candidateBias = try upload(
                WeightPacking.padRows(candidate, rows: 1, width: hidden, blockWidth: GPUWeightPacking.unitBlock), asWeights: false)
        } else {
            candidateBias = try upload([0], asWeights: false)
        }
        self.bias = try upload(GPUWeightPacking.packGateVector(bias, gates: gates, hiddenSize: hidden), asWeights: false)
        if let peepholes = layerWeights.peepholeWeights {
            self.peepholes = try upload(WeightPacking.padRows(peepholes, rows: 3, width: hidden, blockWidth: GPUWeightPacking.unitBlock), asWeights: false)
        } else {
            self.peepholes = try upload([0], asWeights: false)
        }
        if let projection = layerWeights.projectionWeights {
            self.projection = try upload(
                GPUWeightPacking.packProjection(projection, projectionSize: configuration.projectionSize, hiddenSize: hidden),
                asWeights: true)
        } else {
            self.projection = try upload([0, 0], asWeights: true)
        }
    }
}
