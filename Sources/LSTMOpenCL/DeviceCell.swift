// One layer-direction's weights, packed and uploaded to the device once.
import LSTMCore
import OpenCLKit

/// Packed device copies of one cell's weights.
struct DeviceCell {
    let inputWeights: Buffer
    let recurrentWeights: Buffer
    let bias: Buffer
    /// [3][Hp], or a 1-element placeholder without peepholes.
    let peepholes: Buffer
    /// [Pp/8][H][8], or a 1-element placeholder without projection.
    let projection: Buffer

    init(_ cell: LayerWeights, layer: Int, configuration: LSTMConfiguration,
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
            WeightPacking.packGateWeights(cell.inputWeights, hiddenSize: hidden, inputSize: configuration.layerInputSize(layer)),
            asWeights: true)
        recurrentWeights = try upload(
            WeightPacking.packGateWeights(cell.recurrentWeights, hiddenSize: hidden, inputSize: configuration.outputSize),
            asWeights: true)
        let bias = cell.combinedBias(rows: 4 * hidden).map(Float.init)
        self.bias = try upload(WeightPacking.packGateVector(bias, hiddenSize: hidden), asWeights: false)
        if let peepholes = cell.peepholeWeights {
            self.peepholes = try upload(WeightPacking.packPeepholes(peepholes, hiddenSize: hidden), asWeights: false)
        } else {
            self.peepholes = try upload([0], asWeights: false)
        }
        if let projection = cell.projectionWeights {
            self.projection = try upload(
                WeightPacking.packProjection(projection, projectionSize: configuration.projectionSize, hiddenSize: hidden),
                asWeights: true)
        } else {
            self.projection = try upload([0, 0, 0, 0], asWeights: false)
        }
    }
}
