// Packed-sequence semantics of per-sequence lengths, as PyTorch's pack_padded_sequence
// gives them: zero output past the length, final states after each sequence's own last
// step, and a reverse direction that starts at step L − 1.
import LSTMTestSupport
import Testing
import LSTMCore

private let packedConfigurations: [LSTMConfiguration] = [
    LSTMConfiguration(inputSize: 3, hiddenSize: 5),
    LSTMConfiguration(inputSize: 4, hiddenSize: 6, layerCount: 2, bidirectional: true),
    LSTMConfiguration(inputSize: 2, hiddenSize: 7, projectionSize: 3, layerCount: 3, bidirectional: true, hasPeepholes: true),
    LSTMConfiguration(inputSize: 5, hiddenSize: 3, layerCount: 2, hasBias: false, hasPeepholes: true),
]

/// The elements of sequence `b` at step `t` in a [T, B, W] (or [B, T, W]) tensor.
private func row(_ tensor: Tensor, t: Int, b: Int, batchFirst: Bool = false) -> ArraySlice<Float> {
    let (steps, batch, width) = batchFirst
        ? (tensor.shape[1], tensor.shape[0], tensor.shape[2]) : (tensor.shape[0], tensor.shape[1], tensor.shape[2])
    let start = (batchFirst ? b * steps + t : t * batch + b) * width
    return tensor.values[start..<start + width]
}

/// The [S, B, W] state tensor restricted to sequence `b`, as [S, 1, W].
private func stateOf(_ tensor: Tensor, sequence b: Int) throws -> Tensor {
    let (slots, batch, width) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
    var values: [Float] = []
    for slot in 0..<slots {
        let start = (slot * batch + b) * width
        values += tensor.values[start..<start + width]
    }
    return try Tensor(shape: [slots, 1, width], values: values)
}

@Suite("Packed-sequence semantics of lengths")
struct PackedSequenceTests {
    @Test(arguments: packedConfigurations, [false, true])
    func outputsPastLengthAreExactlyZero(_ configuration: LSTMConfiguration, batchFirst: Bool) throws {
        let (steps, batch) = (6, 5)
        let lengths = [2, 6, 1, 4, 3]
        let model = try LSTMModel.random(configuration, seed: 11)
        let input = SeededInputs.input(configuration, steps: steps, batch: batch, seed: 12, lengths: lengths, batchFirst: batchFirst)
        let output = try referenceForward(model, input).output
        for b in 0..<batch {
            for t in 0..<steps {
                let values = row(output, t: t, b: b, batchFirst: batchFirst)
                if t < lengths[b] {
                    #expect(values.contains { $0 != 0 }, "sequence \(b) step \(t) should be computed")
                } else {
                    #expect(values.allSatisfy { $0 == 0 && $0.sign == .plus }, "sequence \(b) step \(t) is past its length \(lengths[b])")
                }
            }
        }
    }

    /// Each sequence's outputs and h_n/c_n equal those of running it alone, cut to its length.
    @Test(arguments: packedConfigurations)
    func eachSequenceMatchesItsTruncatedSoloRun(_ configuration: LSTMConfiguration) throws {
        let (steps, batch) = (5, 4)
        let lengths = [3, 5, 1, 4]
        let model = try LSTMModel.random(configuration, seed: 21)
        let input = SeededInputs.input(configuration, steps: steps, batch: batch, seed: 22, lengths: lengths)
        let whole = try referenceForward(model, input)
        for b in 0..<batch {
            let length = lengths[b]
            let sequence = (0..<length).flatMap { t in row(input.sequence, t: t, b: b) }
            let solo = LSTMInput(
                sequence: try Tensor(shape: [length, 1, configuration.inputSize], values: sequence),
                initialHidden: try input.initialHidden.map { try stateOf($0, sequence: b) },
                initialCell: try input.initialCell.map { try stateOf($0, sequence: b) })
            let alone = try referenceForward(model, solo)
            #expect(try stateOf(whole.finalHidden, sequence: b) == alone.finalHidden, "h_n of sequence \(b)")
            #expect(try stateOf(#require(whole.finalCell), sequence: b) == alone.finalCell, "c_n of sequence \(b)")
            for t in 0..<length {
                #expect(row(whole.output, t: t, b: b) == row(alone.output, t: t, b: 0), "output of sequence \(b) at \(t)")
            }
        }
    }

    /// The reverse direction of a length-L sequence equals a forward cell run over
    /// x_{L−1}, ..., x_0 from the reverse h0/c0, read back in reverse order.
    @Test(arguments: [false, true])
    func reverseDirectionStartsAtLastValidStep(projected: Bool) throws {
        let configuration = LSTMConfiguration(
            inputSize: 3, hiddenSize: 4, projectionSize: projected ? 2 : 0, bidirectional: true)
        let (steps, batch) = (6, 3)
        let lengths = [4, 6, 2]
        let model = try LSTMModel.random(configuration, seed: 31)
        let input = SeededInputs.input(configuration, steps: steps, batch: batch, seed: 32, lengths: lengths)
        let whole = try referenceForward(model, input)

        var forwardOnly = configuration
        forwardOnly.bidirectional = false
        let reverseCell = try LSTMModel(configuration: forwardOnly, layers: [[model.layers[0][1]]])
        let outputSize = configuration.outputSize
        for b in 0..<batch {
            let length = lengths[b]
            let reversed = (0..<length).reversed().flatMap { t in row(input.sequence, t: t, b: b) }
            let reverseSlot = { (tensor: Tensor?) throws -> Tensor? in
                guard let tensor else { return nil }
                let state = try stateOf(tensor, sequence: b)
                let width = state.shape[2]
                return try Tensor(shape: [1, 1, width], values: Array(state.values[width..<2 * width]))
            }
            let run = try referenceForward(reverseCell, LSTMInput(
                sequence: try Tensor(shape: [length, 1, configuration.inputSize], values: reversed),
                initialHidden: try reverseSlot(input.initialHidden), initialCell: try reverseSlot(input.initialCell)))
            for t in 0..<length {
                let reverseHalf = row(whole.output, t: t, b: b).suffix(outputSize)
                #expect(Array(reverseHalf) == Array(row(run.output, t: length - 1 - t, b: 0)), "sequence \(b) step \(t)")
            }
            #expect(try reverseSlot(whole.finalHidden)?.values == run.finalHidden.values, "reverse h_n of sequence \(b)")
            #expect(try reverseSlot(#require(whole.finalCell))?.values == run.finalCell?.values, "reverse c_n of sequence \(b)")
        }
    }

    /// What lies past a sequence's length is padding: changing it changes nothing.
    @Test(arguments: packedConfigurations)
    func paddingValuesAreIgnored(_ configuration: LSTMConfiguration) throws {
        let (steps, batch) = (5, 3)
        let lengths = [2, 5, 3]
        let model = try LSTMModel.random(configuration, seed: 41)
        let input = SeededInputs.input(configuration, steps: steps, batch: batch, seed: 42, lengths: lengths)
        var junk = SeededGenerator(seed: 43)
        var padded = input
        let width = configuration.inputSize
        for t in 0..<steps {
            for b in 0..<batch where t >= lengths[b] {
                let start = (t * batch + b) * width
                padded.sequence.values.replaceSubrange(start..<start + width, with: junk.uniform(width, in: -50...50))
            }
        }
        #expect(padded.sequence != input.sequence)
        let original = try referenceForward(model, input)
        let changed = try referenceForward(model, padded)
        #expect(original.output == changed.output)
        #expect(original.finalHidden == changed.finalHidden)
        #expect(original.finalCell == changed.finalCell)
    }
}
