// Device buffers for one (steps, batch) shape, allocated once and reused across calls.
import LSTMCore
import OpenCLKit

/// Activations and states on the device for a given problem shape.
final class Workspace {
    let steps: Int
    let batch: Int
    let input: Buffer
    /// Two layer outputs [T·B][D·H_out], alternating between layers.
    let layerOutputs: [Buffer]
    /// Input projections [T·B][4Hp], one per direction.
    let gates: [Buffer]
    /// Hidden-state ping-pong pairs [B][H_out], per layer and direction.
    let hidden: [[[Buffer]]]
    /// Padded cell states [B][Hp], per layer and direction.
    let cell: [[Buffer]]
    /// o⊙tanh(c) before projection, [B][Hp].
    let projectionInput: Buffer
    let lengths: Buffer

    init(steps: Int, batch: Int, configuration: LSTMConfiguration, context: Context) throws {
        self.steps = steps
        self.batch = batch
        let sizes = Self.floatCounts(steps: steps, batch: batch, configuration: configuration)
        func floats(_ count: Int) throws -> Buffer { try Buffer(context: context, byteCount: count * 4) }
        input = try floats(sizes.input)
        layerOutputs = try (0..<min(2, configuration.layerCount)).map { _ in try floats(sizes.layerOutput) }
        gates = try (0..<configuration.directionCount).map { _ in try floats(sizes.gates) }
        hidden = try (0..<configuration.layerCount).map { _ in
            try (0..<configuration.directionCount).map { _ in try [floats(sizes.hidden), floats(sizes.hidden)] }
        }
        cell = try (0..<configuration.layerCount).map { _ in
            try (0..<configuration.directionCount).map { _ in try floats(sizes.cell) }
        }
        projectionInput = try floats(sizes.cell)
        lengths = try Buffer(context: context, byteCount: batch * 4)
    }

    /// Float counts of each buffer kind.
    static func floatCounts(steps: Int, batch: Int, configuration: LSTMConfiguration)
        -> (input: Int, layerOutput: Int, gates: Int, hidden: Int, cell: Int)
    {
        let paddedHidden = WeightPacking.paddedUnits(configuration.hiddenSize)
        let rows = steps * batch
        return (
            rows * configuration.inputSize,
            rows * configuration.directionCount * configuration.outputSize,
            rows * 4 * paddedHidden,
            batch * configuration.outputSize,
            batch * paddedHidden
        )
    }

    /// Total bytes and the largest single buffer, for chunking decisions.
    static func footprint(steps: Int, batch: Int, configuration: LSTMConfiguration) -> (total: Int, largest: Int) {
        let sizes = floatCounts(steps: steps, batch: batch, configuration: configuration)
        let states = configuration.layerCount * configuration.directionCount
        let total = sizes.input + min(2, configuration.layerCount) * sizes.layerOutput
            + configuration.directionCount * sizes.gates + states * (2 * sizes.hidden + sizes.cell) + sizes.cell + batch
        let largest = max(sizes.input, sizes.layerOutput, sizes.gates)
        return (total * 4, largest * 4)
    }
}
