// Streaming on the CPU reference: the state of every stream is kept in Double between
// feeds, exactly as one pass over the whole sequence keeps it between steps, so the
// concatenated outputs are bitwise those of that pass.

/// A batch of streams through a ``CPUReference``'s model, one direction only.
public final class ReferenceStream {
    public let model: LSTMModel
    /// Streams B.
    public let batch: Int
    private let layers: [ReferenceLayerWeights]
    /// states[layer][stream].
    private var states: [[ReferenceState]]

    /// Starts from `initialHidden` [L, B, H_out] and `initialCell` [L, B, H] (empty for a GRU).
    ///
    /// - Throws: ``ShapeError`` for a bidirectional model or state arrays of the wrong size.
    public init(model: LSTMModel, batch: Int, initialHidden: [Float], initialCell: [Float]) throws {
        let configuration = model.configuration
        guard !configuration.bidirectional else {
            throw ShapeError("a bidirectional model cannot stream: its reverse direction needs the whole sequence")
        }
        self.model = model
        self.batch = batch
        layers = model.layers.map {
            ReferenceLayerWeights(
                $0[0], gateCount: configuration.gateCount, hiddenSize: configuration.hiddenSize,
                linearBeforeReset: configuration.linearBeforeReset)
        }
        states = []
        try reset(streams: Array(0..<batch), hidden: initialHidden, cell: initialCell)
    }

    /// Overwrites the chosen streams' state: `hidden` [L, streams.count, H_out], `cell`
    /// [L, streams.count, H] (empty for a GRU), rows in the order `streams` lists them.
    public func reset(streams: [Int], hidden: [Float], cell: [Float]) throws {
        let configuration = model.configuration
        let outputSize = configuration.outputSize
        let cellWidth = configuration.cellStateSize
        let count = streams.count
        guard hidden.count == configuration.layerCount * count * outputSize,
              cell.count == configuration.layerCount * count * cellWidth,
              streams.allSatisfy({ (0..<batch).contains($0) })
        else {
            throw ShapeError("stream state needs h [\(configuration.layerCount), \(count), \(outputSize)] and c [\(configuration.layerCount), \(count), \(cellWidth)] for streams in 0..<\(batch)")
        }
        if states.isEmpty {
            let empty = ReferenceState(hidden: Array(repeating: 0, count: outputSize), cell: Array(repeating: 0, count: cellWidth))
            states = Array(repeating: Array(repeating: empty, count: batch), count: configuration.layerCount)
        }
        for layer in 0..<configuration.layerCount {
            for (row, stream) in streams.enumerated() {
                let h = (layer * count + row) * outputSize
                let c = (layer * count + row) * cellWidth
                states[layer][stream] = ReferenceState(
                    hidden: hidden[h..<(h + outputSize)].map(Double.init), cell: cell[c..<(c + cellWidth)].map(Double.init))
            }
        }
    }

    /// h [L, B, H_out] and c [L, B, H] (empty for a GRU) of every stream.
    public var state: (hidden: [Float], cell: [Float]) {
        (states.flatMap { $0.flatMap { $0.hidden.map(Float.init) } }, states.flatMap { $0.flatMap { $0.cell.map(Float.init) } })
    }

    /// Runs `steps` frames [steps, B, I] and returns the output [steps, B, H_out].
    public func feed(_ sequence: [Float], steps: Int) throws -> [Float] {
        let configuration = model.configuration
        guard steps >= 1, sequence.count == steps * batch * configuration.inputSize else {
            throw ShapeError("a feed needs [t ≥ 1, \(batch), \(configuration.inputSize)] values, got \(sequence.count) for \(steps) steps")
        }
        let declaration = configuration.declaration
        var layerInput = sequence.map(Double.init)
        var width = configuration.inputSize
        for layer in 0..<configuration.layerCount {
            let outputSize = configuration.outputSize
            var layerOutput = [Double](repeating: 0, count: steps * batch * outputSize)
            for stream in 0..<batch {
                for step in 0..<steps {
                    let start = (step * batch + stream) * width
                    declaration.referenceStep(layers[layer], x: layerInput[start..<(start + width)], state: &states[layer][stream])
                    let out = (step * batch + stream) * outputSize
                    for unit in 0..<outputSize { layerOutput[out + unit] = states[layer][stream].hidden[unit] }
                }
            }
            layerInput = layerOutput
            width = outputSize
        }
        return layerInput.map(Float.init)
    }
}
