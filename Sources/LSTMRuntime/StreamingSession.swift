// A batch of B streams fed a few steps at a time (speech frames, sensor readings, tokens),
// with h and c kept where the engine computes: in device buffers on OpenCL, in Double on the
// CPU reference. Feeding a sequence in pieces gives bitwise the output of one pass over it.
import Foundation
import LSTMOpenCL

/// Streaming inference over an ``LSTMEngine``'s model, one direction only.
///
/// Feeds are serialised with the engine's other work (they share its device buffers).
public final class StreamingSession: @unchecked Sendable {
    // @unchecked: every use of `stream` holds the engine's lock.
    /// The engine the session runs on.
    public let engine: LSTMEngine
    /// Streams B.
    public let batch: Int
    private let stream: Stream

    private enum Stream {
        case reference(ReferenceStream)
        case device(OpenCLBackend, DeviceStreamState)
    }

    /// Starts B streams at `initialHidden` [L, B, H_out] and `initialCell` [L, B, H] (LSTM
    /// only), zeros when absent.
    ///
    /// - Throws: ``ShapeError`` for a bidirectional model (its reverse direction needs the whole
    ///   sequence), a batch under 1, or states of the wrong shape; device errors otherwise.
    public init(engine: LSTMEngine, batch: Int, initialHidden: Tensor? = nil, initialCell: Tensor? = nil) throws {
        let configuration = engine.model.configuration
        guard !configuration.bidirectional else {
            throw ShapeError("a bidirectional model cannot stream: its reverse direction needs the whole sequence; use run")
        }
        guard batch >= 1 else { throw ShapeError("a session needs at least one stream, got \(batch)") }
        self.engine = engine
        self.batch = batch
        let (hidden, cell) = try Self.stateValues(configuration, streams: batch, hidden: initialHidden, cell: initialCell)
        engine.lock.lock()
        defer { engine.lock.unlock() }
        if let openCL = engine.openCL {
            stream = .device(openCL, try openCL.makeStreamState(batch: batch, initialHidden: hidden, initialCell: cell))
        } else {
            stream = .reference(try ReferenceStream(model: engine.model, batch: batch, initialHidden: hidden, initialCell: cell))
        }
    }

    /// Runs the next t ≥ 1 steps of every stream, `frames` [t, B, I], and returns their
    /// output [t, B, H_out].
    public func feed(_ frames: Tensor) throws -> Tensor {
        let configuration = engine.model.configuration
        guard frames.shape.count == 3, frames.shape[0] >= 1, frames.shape[1] == batch,
              frames.shape[2] == configuration.inputSize
        else {
            throw ShapeError("frames must be [t ≥ 1, \(batch), \(configuration.inputSize)], got \(frames.shape)")
        }
        let steps = frames.shape[0]
        engine.lock.lock()
        defer { engine.lock.unlock() }
        let output: [Float]
        switch stream {
        case .reference(let reference): output = try reference.feed(frames.values, steps: steps)
        case .device(let backend, let state): output = try backend.feed(frames.values, steps: steps, state: state)
        }
        return try Tensor(shape: [steps, batch, configuration.outputSize], values: output)
    }

    /// h of every stream, [L, B, H_out].
    public func hiddenState() throws -> Tensor {
        try Tensor(shape: [engine.model.configuration.layerCount, batch, engine.model.configuration.outputSize],
                   values: currentState().hidden)
    }

    /// c of every stream, [L, B, H]; `nil` for a GRU.
    public func cellState() throws -> Tensor? {
        let configuration = engine.model.configuration
        guard configuration.hasCellState else { return nil }
        return try Tensor(shape: [configuration.layerCount, batch, configuration.hiddenSize], values: currentState().cell)
    }

    /// Restarts the chosen streams (slots) at `hidden` [L, n, H_out] and `cell` [L, n, H]
    /// (LSTM only), zeros when absent; n = `streams.count`, rows in the order given.
    public func reset(streams: [Int], hidden: Tensor? = nil, cell: Tensor? = nil) throws {
        guard !streams.isEmpty, streams.allSatisfy({ (0..<batch).contains($0) }), Set(streams).count == streams.count else {
            throw ShapeError("streams to reset must be distinct slots in 0..<\(batch), got \(streams)")
        }
        let (h, c) = try Self.stateValues(engine.model.configuration, streams: streams.count, hidden: hidden, cell: cell)
        engine.lock.lock()
        defer { engine.lock.unlock() }
        switch stream {
        case .reference(let reference): try reference.reset(streams: streams, hidden: h, cell: c)
        case .device(let backend, let state): try backend.writeStreamState(state, streams: streams, hidden: h, cell: c)
        }
    }

    private func currentState() throws -> (hidden: [Float], cell: [Float]) {
        engine.lock.lock()
        defer { engine.lock.unlock() }
        switch stream {
        case .reference(let reference): return reference.state
        case .device(let backend, let state): return try backend.readStreamState(state)
        }
    }

    /// Checked state values for `streams` streams, zeros where absent.
    private static func stateValues(
        _ configuration: LSTMConfiguration, streams: Int, hidden: Tensor?, cell: Tensor?
    ) throws -> (hidden: [Float], cell: [Float]) {
        let hiddenShape = [configuration.layerCount, streams, configuration.outputSize]
        let cellShape = [configuration.layerCount, streams, configuration.cellStateSize]
        if cell != nil, !configuration.hasCellState {
            throw ShapeError("a \(configuration.cell) has no cell state: c is for LSTMs only")
        }
        if let hidden, hidden.shape != hiddenShape { throw ShapeError("h has shape \(hidden.shape), expected \(hiddenShape)") }
        if let cell, cell.shape != cellShape { throw ShapeError("c has shape \(cell.shape), expected \(cellShape)") }
        return (hidden?.values ?? Array(repeating: 0, count: hiddenShape.reduce(1, *)),
                cell?.values ?? Array(repeating: 0, count: cellShape.reduce(1, *)))
    }
}
