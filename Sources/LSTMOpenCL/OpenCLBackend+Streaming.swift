// Streaming on the device: h (and c) of every stream stay in device buffers between feeds.
// A feed uploads only its frames; the state moves between the stream's buffers and the
// workspace by device-side copies, and only the feed's output is read back. Each step runs
// the same kernels on the same values as one pass over the whole sequence would, so the
// concatenated outputs are bitwise those of that pass.
import LSTMCore
import OpenCLKit

/// The recurrent state of a batch of streams on one OpenCL device.
public final class DeviceStreamState {
    /// Streams B.
    public let batch: Int
    /// h per layer-direction, [B][H_out].
    let hidden: [Buffer]
    /// c per layer-direction, [B][Hp] (LSTM only).
    let cell: [Buffer]
    /// Units per block c is padded to: the vector width of the batch class's tuning, fixed
    /// by the batch, so every feed runs the same kernels.
    let blockWidth: Int

    init(batch: Int, hidden: [Buffer], cell: [Buffer], blockWidth: Int) {
        self.batch = batch
        self.blockWidth = blockWidth
        self.hidden = hidden
        self.cell = cell
    }
}

extension OpenCLBackend {
    /// Device buffers holding `initialHidden` [D·L, B, H_out] and `initialCell` [D·L, B, H]
    /// (empty for a GRU) for a stream of `batch` sequences.
    public func makeStreamState(batch: Int, initialHidden: [Float], initialCell: [Float]) throws -> DeviceStreamState {
        let configuration = model.configuration
        let states = Self.stateCount(configuration)
        let hiddenCount = batch * configuration.outputSize
        let cellWidth = configuration.cellStateSize
        let blockWidth = tuning(forBatch: batch).vectorWidth
        let hidden = try (0..<states).map { _ in try Buffer(context: context, byteCount: hiddenCount * 4) }
        let cell = try (0..<(cellWidth > 0 ? states : 0)).map { _ in
            try Buffer(context: context, byteCount: batch * WeightPacking.paddedUnits(cellWidth, blockWidth: blockWidth) * 4)
        }
        let state = DeviceStreamState(batch: batch, hidden: hidden, cell: cell, blockWidth: blockWidth)
        try writeStreamState(state, streams: Array(0..<batch), hidden: initialHidden, cell: initialCell)
        return state
    }

    /// Overwrites the state of the chosen streams: `hidden` [D·L, streams.count, H_out] and
    /// `cell` [D·L, streams.count, H] (empty for a GRU), in the order `streams` lists them.
    public func writeStreamState(_ state: DeviceStreamState, streams: [Int], hidden: [Float], cell: [Float]) throws {
        let configuration = model.configuration
        let outputSize = configuration.outputSize
        let cellWidth = configuration.cellStateSize
        let padded = WeightPacking.paddedUnits(max(cellWidth, 1), blockWidth: state.blockWidth)
        for stateIndex in 0..<Self.stateCount(configuration) {
            for (row, stream) in streams.enumerated() {
                let source = (stateIndex * streams.count + row) * outputSize
                try queue.enqueueWrite(Array(hidden[source..<(source + outputSize)]), to: state.hidden[stateIndex], offset: stream * outputSize)
                guard cellWidth > 0 else { continue }
                let cellSource = (stateIndex * streams.count + row) * cellWidth
                try queue.enqueueWrite(WeightPacking.padRows(Array(cell[cellSource..<(cellSource + cellWidth)]), rows: 1, width: cellWidth, blockWidth: state.blockWidth),
                                to: state.cell[stateIndex], offset: stream * padded)
            }
        }
    }

    /// The state of every stream: h [D·L, B, H_out] and c [D·L, B, H] (empty for a GRU).
    public func readStreamState(_ state: DeviceStreamState) throws -> (hidden: [Float], cell: [Float]) {
        let configuration = model.configuration
        var hidden: [Float] = []
        var cell: [Float] = []
        for buffer in state.hidden { hidden += try queue.readFloats(buffer, count: state.batch * configuration.outputSize) }
        for buffer in state.cell {
            let padded = try queue.readFloats(buffer, count: state.batch * WeightPacking.paddedUnits(configuration.cellStateSize, blockWidth: state.blockWidth))
            cell += WeightPacking.unpadRows(padded, rows: state.batch, width: configuration.cellStateSize, blockWidth: state.blockWidth)
        }
        return (hidden, cell)
    }

    /// Runs `steps` frames `sequence` [steps, B, I] of every stream from `state`, leaves the
    /// new state in it and returns the output [steps, B, H_out]. One direction only.
    public func feed(_ sequence: [Float], steps: Int, state: DeviceStreamState) throws -> [Float] {
        let configuration = model.configuration
        let batch = state.batch
        guard !configuration.bidirectional else {
            throw ShapeError("a bidirectional model cannot stream: its reverse direction needs the whole sequence")
        }
        guard steps >= 1, sequence.count == steps * batch * configuration.inputSize else {
            throw ShapeError("a feed needs [t ≥ 1, \(batch), \(configuration.inputSize)] values, got \(sequence.count) for \(steps) steps")
        }
        let (workspace, plan) = try prepared(steps: steps, batch: batch)
        guard workspace.blockWidth == state.blockWidth else {
            throw ShapeError("a stream state padded for vector width \(state.blockWidth) cannot feed kernels of width \(workspace.blockWidth)")
        }
        let layout = Staging(steps: steps, batch: batch, configuration: configuration, blockWidth: workspace.blockWidth)
        let input = try workspace.buffer(.input)
        // Without waiting, as a pass's upload; the output read below waits for it.
        try queue.enqueueWrite(sequence + Array(repeating: Float(bitPattern: UInt32(steps)), count: batch), to: input)
        try queue.copy(from: input, sourceOffset: layout.lengths * 4, to: workspace.buffer(.lengths), byteCount: batch * 4)
        let hiddenBytes = batch * configuration.outputSize * 4
        let cellBytes = layout.cellPerState * 4
        for index in 0..<Self.stateCount(configuration) {
            try queue.copy(from: state.hidden[index], to: workspace.hidden(state: index, parity: 0), byteCount: hiddenBytes)
            if cellBytes > 0 { try queue.copy(from: state.cell[index], to: workspace.buffer(.cellState, index), byteCount: cellBytes) }
        }
        try plan.enqueue(on: queue, recorder: nil)
        for index in 0..<Self.stateCount(configuration) {
            try queue.copy(from: workspace.hidden(state: index, parity: steps % 2), to: state.hidden[index], byteCount: hiddenBytes)
            if cellBytes > 0 { try queue.copy(from: workspace.buffer(.cellState, index), to: state.cell[index], byteCount: cellBytes) }
        }
        let finalOutput = try workspace.layerOutput(configuration.layerCount - 1)
        return try queue.readFloats(finalOutput, count: layout.finalHidden)
    }
}
