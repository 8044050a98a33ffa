// The result files of a batched run written as slices finish: output, and optionally h_n
// and c_n, each a hidden temporary sized up front and renamed into place only when every
// slice is in. Rows a slice did not run are never written: a fresh file reads as zeros.
import Foundation

/// A ``BatchSink`` writing `.npy` result files piece by piece.
public final class NumpyResultFiles: BatchSink {
    private let layout: SliceResultLayout
    private let output: NumpyStreamWriter
    private let finalHidden: NumpyStreamWriter?
    private let finalCell: NumpyStreamWriter?

    /// Creates the temporaries for a result of `batch` sequences (starting at sequence
    /// `firstSequence` of the slices' numbering) and `steps` steps.
    ///
    /// - Parameter finalCell: where to write c_n; ignored for a cell without a cell state.
    /// - Throws: ``FormatError`` when a temporary cannot be created; none is left behind.
    public init(
        configuration: LSTMConfiguration, steps: Int, batch: Int, firstSequence: Int = 0, batchFirst: Bool,
        output: URL, finalHidden: URL?, finalCell: URL?
    ) throws {
        layout = SliceResultLayout(
            configuration: configuration, steps: steps, batch: batch, firstSequence: firstSequence, batchFirst: batchFirst)
        let width = layout.width
        let states = layout.states
        let outputWriter = try NumpyStreamWriter(shape: batchFirst ? [batch, steps, width] : [steps, batch, width], to: output)
        do {
            let hiddenWriter = try finalHidden.map {
                try NumpyStreamWriter(shape: [states, batch, configuration.outputSize], to: $0)
            }
            do {
                self.finalCell = try finalCell.flatMap { url in configuration.hasCellState ? url : nil }.map {
                    try NumpyStreamWriter(shape: [states, batch, configuration.cellStateSize], to: $0)
                }
            } catch {
                hiddenWriter?.discard()
                throw error
            }
            self.finalHidden = hiddenWriter
        } catch {
            outputWriter.discard()
            throw error
        }
        self.output = outputWriter
    }

    public func store(_ part: ForwardResult, for slice: BatchSlice) throws {
        let configuration = layout.configuration
        try layout.outputPieces(part.output, slice) { try output.write($0, atElement: $1) }
        if let finalHidden {
            try layout.statePieces(part.finalHidden, slice, outer: layout.states, width: configuration.outputSize) {
                try finalHidden.write($0, atElement: $1)
            }
        }
        if let finalCell, !part.finalCell.isEmpty {
            try layout.statePieces(part.finalCell, slice, outer: layout.states, width: configuration.cellStateSize) {
                try finalCell.write($0, atElement: $1)
            }
        }
    }

    /// Flushes every file and renames it into place.
    ///
    /// - Throws: ``FormatError/writeFailed(path:reason:)``; files not yet renamed are removed.
    public func commit() throws {
        do {
            try output.commit()
            try finalHidden?.commit()
            try finalCell?.commit()
        } catch {
            discard()
            throw error
        }
    }

    /// Removes every temporary not yet renamed into place.
    public func discard() {
        output.discard()
        finalHidden?.discard()
        finalCell?.discard()
    }
}
