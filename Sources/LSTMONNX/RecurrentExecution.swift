// Running one imported recurrent node: its ONNX-shaped inputs turned into a ForwardProblem,
// the problem run by a backend, and the result turned back into ONNX's Y, Y_h and Y_c. The
// pieces are shared with StackedExecution, which runs a chain of nodes as one stacked model.

import LSTMCore

enum RecurrentExecution {
    /// A node's X, time-major (reversed within each length for `direction=reverse`), and its lengths.
    struct Sequence {
        let steps: Int
        let batch: Int
        let width: Int
        let values: [Float]
        let lengths: [Int]?
        var stepLengths: [Int] { lengths ?? Array(repeating: steps, count: batch) }
    }

    static func failure(_ recurrent: RecurrentNode, _ reason: String) -> ONNXError {
        .unsupportedNode(node: recurrent.node.displayName, op: recurrent.node.opType, reason: reason)
    }

    static func value(_ name: String?, of recurrent: RecurrentNode, in values: [String: ONNXArray]) throws -> ONNXArray? {
        guard let name else { return nil }
        guard let array = values[name] else { throw failure(recurrent, "input '\(name)' was not computed") }
        return array
    }

    static func run(
        _ recurrent: RecurrentNode, values: [String: ONNXArray], body: (ForwardProblem) throws -> ForwardResult
    ) throws -> [(String, ONNXArray)] {
        let input = try sequence(recurrent, values: values)
        let (hidden, cell) = try states(recurrent, values: values, batch: input.batch)
        let problem = try problem(recurrent, recurrent.model.configuration, input, hidden: hidden, cell: cell)
        let result = try body(problem)
        return outputs(recurrent, sequenceOutput: result.output, finalHidden: result.finalHidden,
                       finalCell: result.finalCell, input: input)
    }

    /// The node's X and sequence_lens, checked and brought to the time-major form the backends take.
    static func sequence(_ recurrent: RecurrentNode, values: [String: ONNXArray]) throws -> Sequence {
        guard var x = try value(recurrent.sequenceInput, of: recurrent, in: values) else { throw failure(recurrent, "input X is missing") }
        guard x.shape.count == 3, x.values.isFloat else {
            throw failure(recurrent, "X must be a floating-point rank-3 tensor, got \(x.elementType) \(x.shape)")
        }
        if recurrent.layout == 1 { x = LayoutOperators.permute(x, [1, 0, 2]) }
        let (steps, batch) = (x.shape[0], x.shape[1])
        guard x.shape[2] == recurrent.inputSize else {
            throw failure(recurrent, "X has \(x.shape[2]) features per step (shape \(x.shape)) but W expects \(recurrent.inputSize)")
        }
        guard steps > 0, batch > 0 else { throw failure(recurrent, "X \(x.shape) needs at least one step and one sequence") }
        var lengths: [Int]?
        if let array = try value(recurrent.lengthsInput, of: recurrent, in: values) {
            guard array.shape == [batch], !array.values.isFloat else {
                throw failure(recurrent, "sequence_lens must be an integer [\(batch)] tensor, got \(array.elementType) \(array.shape)")
            }
            let given = array.integers
            if let bad = given.firstIndex(where: { $0 < 1 || $0 > Int64(steps) }) {
                throw failure(recurrent, "sequence_lens[\(bad)] = \(given[bad]) is outside 1...\(steps)")
            }
            lengths = given.map { Int($0) }
        }
        var sequence = x.floats
        let stepLengths = lengths ?? Array(repeating: steps, count: batch)
        if recurrent.direction == .reverse {
            sequence = reverseInTime(sequence, steps: steps, batch: batch, width: x.shape[2], lengths: stepLengths)
        }
        return Sequence(steps: steps, batch: batch, width: x.shape[2], values: sequence, lengths: lengths)
    }

    /// The node's initial_h and initial_c as [D, B, H] tensors (nil where not given).
    static func states(_ recurrent: RecurrentNode, values: [String: ONNXArray], batch: Int) throws -> (hidden: Tensor?, cell: Tensor?) {
        let directions = recurrent.direction.count
        let hidden = recurrent.hiddenSize
        func state(_ name: String?, _ label: String) throws -> Tensor? {
            guard var array = try value(name, of: recurrent, in: values) else { return nil }
            let expected = recurrent.layout == 0 ? [directions, batch, hidden] : [batch, directions, hidden]
            guard array.shape == expected, array.values.isFloat else {
                throw failure(recurrent, "\(label) has shape \(array.shape), expected \(expected)")
            }
            if recurrent.layout == 1 { array = LayoutOperators.permute(array, [1, 0, 2]) }
            return try Tensor(shape: [directions, batch, hidden], values: array.floats)
        }
        return (try state(recurrent.initialHiddenInput, "initial_h"), try state(recurrent.initialCellInput, "initial_c"))
    }

    static func problem(
        _ recurrent: RecurrentNode, _ configuration: LSTMConfiguration, _ input: Sequence, hidden: Tensor?, cell: Tensor?
    ) throws -> ForwardProblem {
        do {
            return try ForwardProblem(
                LSTMInput(
                    sequence: try Tensor(shape: [input.steps, input.batch, input.width], values: input.values),
                    initialHidden: hidden, initialCell: cell, lengths: input.lengths),
                configuration: configuration)
        } catch {
            throw failure(recurrent, "\(error)")
        }
    }

    /// ONNX's Y (when `sequenceOutput` is given), Y_h and Y_c from a time-major result of this
    /// node's shape: output [T, B, D·H], final states [D, B, H].
    static func outputs(
        _ recurrent: RecurrentNode, sequenceOutput: [Float]?, finalHidden: [Float], finalCell: [Float], input: Sequence
    ) -> [(String, ONNXArray)] {
        let (steps, batch) = (input.steps, input.batch)
        let directions = recurrent.direction.count
        let hidden = recurrent.hiddenSize
        var produced: [(String, ONNXArray)] = []
        if let name = recurrent.sequenceOutput, var output = sequenceOutput {
            if recurrent.direction == .reverse {
                output = reverseInTime(output, steps: steps, batch: batch, width: hidden, lengths: input.stepLengths)
            }
            let perm = recurrent.layout == 0 ? [0, 2, 1, 3] : [1, 0, 2, 3]  // [T, B, D, H] → Y
            produced.append((name, LayoutOperators.permute(ONNXArray(shape: [steps, batch, directions, hidden], floats: output), perm)))
        }
        func final(_ values: [Float]) -> ONNXArray {
            let array = ONNXArray(shape: [directions, batch, hidden], floats: values)
            return recurrent.layout == 0 ? array : LayoutOperators.permute(array, [1, 0, 2])
        }
        if let name = recurrent.finalHiddenOutput { produced.append((name, final(finalHidden))) }
        if let name = recurrent.finalCellOutput, recurrent.model.configuration.hasCellState {
            produced.append((name, final(finalCell)))
        }
        return produced
    }

    /// Reverses each sequence's first `lengths[b]` steps of a [T, B, width] array, leaving
    /// the padding in place: a forward pass over the result is a reverse-time pass over the
    /// original, with the same arithmetic, so the answer is bitwise that of a reverse direction.
    static func reverseInTime(_ values: [Float], steps: Int, batch: Int, width: Int, lengths: [Int]) -> [Float] {
        var result = values
        for sequence in 0..<batch {
            let length = lengths[sequence]
            for t in 0..<length {
                let source = ((length - 1 - t) * batch + sequence) * width
                let target = (t * batch + sequence) * width
                for k in 0..<width { result[target + k] = values[source + k] }
            }
        }
        return result
    }
}
