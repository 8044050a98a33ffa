// Where the values of one batch slice's result go in the arrays of the whole batch (or of
// one shard of it): the output is [T, B, W] (or [B, T, W] batch-first) and the final states
// [S, B, X], so a slice's rows land in many strided pieces. Rows at steps the slice did not
// run (t >= slice.steps) are zero, as the one-pass run writes them.

/// The pieces of a slice result, as (values, element offset in the whole array) pairs.
struct SliceResultLayout {
    let configuration: LSTMConfiguration
    /// Steps T of the whole output.
    let steps: Int
    /// Sequences in the whole output (the shard's count when sharding).
    let batch: Int
    /// The whole batch's index of output sequence 0 (the shard's first sequence).
    let firstSequence: Int
    let batchFirst: Bool

    var width: Int { configuration.directionCount * configuration.outputSize }
    var states: Int { configuration.layerCount * configuration.directionCount }

    /// Calls `emit` with each contiguous piece of the slice's output and its element offset
    /// in the whole output. Rows past the slice's steps are not emitted (see `zeroPieces`).
    func outputPieces(_ output: [Float], _ slice: BatchSlice, _ emit: (ArraySlice<Float>, Int) throws -> Void) throws {
        let count = slice.sequences.count
        let sliceSteps = slice.steps
        if batchFirst {
            for (position, sequence) in slice.sequences.enumerated() {
                var rows: [Float] = []
                rows.reserveCapacity(sliceSteps * width)
                for step in 0..<sliceSteps {
                    let start = (step * count + position) * width
                    rows.append(contentsOf: output[start..<(start + width)])
                }
                try emit(rows[...], (sequence - firstSequence) * steps * width)
            }
            return
        }
        try statePieces(output, slice, outer: sliceSteps, width: width, emit)
    }

    /// Calls `emit` with each piece of an [outer, slice, width] array (a final state, or the
    /// time-major output) and its offset in the whole [outer, batch, width] array.
    func statePieces(
        _ values: [Float], _ slice: BatchSlice, outer: Int, width: Int, _ emit: (ArraySlice<Float>, Int) throws -> Void
    ) throws {
        let count = slice.sequences.count
        for index in 0..<outer {
            var position = 0
            for run in slice.runs {
                let start = (index * count + position) * width
                try emit(values[start..<(start + run.count * width)], (index * batch + run.lowerBound - firstSequence) * width)
                position += run.count
            }
        }
    }

    /// The element ranges of the whole output that belong to the slice's sequences at steps
    /// it did not run: they must read as zero.
    func zeroRanges(_ slice: BatchSlice) -> [Range<Int>] {
        guard slice.steps < steps else { return [] }
        if batchFirst {
            return slice.sequences.map { sequence in
                let base = (sequence - firstSequence) * steps * width
                return (base + slice.steps * width)..<(base + steps * width)
            }
        }
        return (slice.steps..<steps).flatMap { step in
            slice.runs.map { run in
                ((step * batch + run.lowerBound - firstSequence) * width)..<((step * batch + run.upperBound - firstSequence) * width)
            }
        }
    }
}

/// Assembles slice results into one ``ForwardResult`` in memory (time-major).
///
/// Elements no slice supplies stay NaN, so a sequence left out fails any comparison.
public final class ResultAssembler: BatchSink {
    private let layout: SliceResultLayout
    /// The assembled result so far.
    public private(set) var result: ForwardResult

    /// An assembler for a batch of `batch` sequences of `steps` steps, starting at sequence
    /// `firstSequence` of the slices' numbering.
    public init(configuration: LSTMConfiguration, steps: Int, batch: Int, firstSequence: Int = 0) {
        layout = SliceResultLayout(
            configuration: configuration, steps: steps, batch: batch, firstSequence: firstSequence, batchFirst: false)
        let states = layout.states
        result = ForwardResult(
            output: Array(repeating: .nan, count: steps * batch * layout.width),
            finalHidden: Array(repeating: .nan, count: states * batch * configuration.outputSize),
            finalCell: Array(repeating: .nan, count: states * batch * configuration.cellStateSize))
    }

    public func store(_ part: ForwardResult, for slice: BatchSlice) throws {
        let configuration = layout.configuration
        try layout.outputPieces(part.output, slice) { values, offset in
            result.output.replaceSubrange(offset..<(offset + values.count), with: values)
        }
        for range in layout.zeroRanges(slice) {
            result.output.replaceSubrange(range, with: repeatElement(0, count: range.count))
        }
        try layout.statePieces(part.finalHidden, slice, outer: layout.states, width: configuration.outputSize) { values, offset in
            result.finalHidden.replaceSubrange(offset..<(offset + values.count), with: values)
        }
        guard !part.finalCell.isEmpty else {
            result.finalCell = []  // a cell without a cell state (GRU)
            return
        }
        try layout.statePieces(part.finalCell, slice, outer: layout.states, width: configuration.cellStateSize) { values, offset in
            result.finalCell.replaceSubrange(offset..<(offset + values.count), with: values)
        }
    }
}
