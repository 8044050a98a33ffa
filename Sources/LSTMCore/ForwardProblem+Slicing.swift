// Splitting a forward pass into batch slices (sub-batches of sequences) and merging the
// results, so an engine can run a batch too big for device memory. Sequences are independent,
// so the merged result is bitwise the whole run's.

extension ForwardProblem {
    /// The sub-problem made of the sequences in `sequences` (indices into the batch), with
    /// their inputs, initial states and lengths. The range is clamped to `0..<batch`.
    public func slice(sequences: Range<Int>) -> ForwardProblem {
        let range = sequences.clamped(to: 0..<batch)
        let states = configuration.layerCount * configuration.directionCount
        return ForwardProblem(
            configuration: configuration, steps: steps, batch: range.count,
            sequence: Self.gather(sequence, outer: steps, batch: batch, width: configuration.inputSize, range),
            initialHidden: Self.gather(initialHidden, outer: states, batch: batch, width: configuration.outputSize, range),
            initialCell: Self.gather(initialCell, outer: states, batch: batch, width: configuration.cellStateSize, range),
            lengths: Array(lengths[range]))
    }

    /// Reassembles the results of sub-problems made by ``slice(sequences:)`` into the result
    /// of `problem`; each part's `range` is the one it was sliced with.
    ///
    /// Elements that no part supplies (a sequence no range covers, or a part result shorter
    /// than its range implies) are NaN, so a gap fails any comparison instead of passing as zero.
    public static func merging(
        _ parts: [(range: Range<Int>, result: ForwardResult)], for problem: ForwardProblem
    ) -> ForwardResult {
        let configuration = problem.configuration
        let (steps, batch) = (problem.steps, problem.batch)
        let states = configuration.layerCount * configuration.directionCount
        let width = configuration.directionCount * configuration.outputSize
        var output = [Float](repeating: .nan, count: steps * batch * width)
        var finalHidden = [Float](repeating: .nan, count: states * batch * configuration.outputSize)
        var finalCell = [Float](repeating: .nan, count: states * batch * configuration.cellStateSize)
        for (range, result) in parts {
            scatter(result.output, into: &output, outer: steps, batch: batch, width: width, range)
            scatter(result.finalHidden, into: &finalHidden, outer: states, batch: batch,
                    width: configuration.outputSize, range)
            scatter(result.finalCell, into: &finalCell, outer: states, batch: batch,
                    width: configuration.cellStateSize, range)
        }
        return ForwardResult(output: output, finalHidden: finalHidden, finalCell: finalCell)
    }

    /// Rows `range` of the middle axis of an [outer, batch, width] array, as [outer, range.count, width].
    private static func gather(
        _ values: [Float], outer: Int, batch: Int, width: Int, _ range: Range<Int>
    ) -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(outer * range.count * width)
        for index in 0..<outer {
            let start = (index * batch + range.lowerBound) * width
            let end = (index * batch + range.upperBound) * width
            result.append(contentsOf: values[min(start, values.count)..<min(end, values.count)])
        }
        return result
    }

    /// Writes an [outer, range.count, width] part into rows `range` of an [outer, batch, width]
    /// array, skipping whatever falls outside either array.
    private static func scatter(
        _ part: [Float], into whole: inout [Float], outer: Int, batch: Int, width: Int, _ range: Range<Int>
    ) {
        let partBatch = range.count
        for index in 0..<outer {
            for (offset, sequence) in range.enumerated() where (0..<batch).contains(sequence) {
                let source = (index * partBatch + offset) * width
                let target = (index * batch + sequence) * width
                guard source + width <= part.count, target + width <= whole.count else { continue }
                whole.replaceSubrange(target..<target + width, with: part[source..<source + width])
            }
        }
    }
}
