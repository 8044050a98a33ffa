// Running one imported recurrent node: its ONNX-shaped inputs turned into a ForwardProblem,
// the problem run by a backend, and the result turned back into ONNX's Y, Y_h and Y_c.

import LSTMCore

enum RecurrentExecution {
    static func run(
        _ recurrent: RecurrentNode, values: [String: ONNXArray], body: (ForwardProblem) throws -> ForwardResult
    ) throws -> [(String, ONNXArray)] {
        let node = recurrent.node
        func fail(_ reason: String) -> ONNXError { .unsupportedNode(node: node.displayName, op: node.opType, reason: reason) }
        func value(_ name: String?) throws -> ONNXArray? {
            guard let name else { return nil }
            guard let array = values[name] else { throw fail("input '\(name)' was not computed") }
            return array
        }
        guard var x = try value(recurrent.sequenceInput) else { throw fail("input X is missing") }
        guard x.shape.count == 3, x.values.isFloat else { throw fail("X must be a floating-point rank-3 tensor, got \(x.elementType) \(x.shape)") }
        if recurrent.layout == 1 { x = LayoutOperators.permute(x, [1, 0, 2]) }
        let (steps, batch) = (x.shape[0], x.shape[1])
        guard x.shape[2] == recurrent.inputSize else {
            throw fail("X has \(x.shape[2]) features per step (shape \(x.shape)) but W expects \(recurrent.inputSize)")
        }
        guard steps > 0, batch > 0 else { throw fail("X \(x.shape) needs at least one step and one sequence") }
        let directions = recurrent.direction.count
        let hidden = recurrent.hiddenSize
        func state(_ name: String?, _ label: String) throws -> Tensor? {
            guard var array = try value(name) else { return nil }
            let expected = recurrent.layout == 0 ? [directions, batch, hidden] : [batch, directions, hidden]
            guard array.shape == expected, array.values.isFloat else {
                throw fail("\(label) has shape \(array.shape), expected \(expected)")
            }
            if recurrent.layout == 1 { array = LayoutOperators.permute(array, [1, 0, 2]) }
            return try Tensor(shape: [directions, batch, hidden], values: array.floats)
        }
        let initialHidden = try state(recurrent.initialHiddenInput, "initial_h")
        let initialCell = try state(recurrent.initialCellInput, "initial_c")
        var lengths: [Int]?
        if let array = try value(recurrent.lengthsInput) {
            guard array.shape == [batch], !array.values.isFloat else {
                throw fail("sequence_lens must be an integer [\(batch)] tensor, got \(array.elementType) \(array.shape)")
            }
            let given = array.integers
            if let bad = given.firstIndex(where: { $0 < 1 || $0 > Int64(steps) }) {
                throw fail("sequence_lens[\(bad)] = \(given[bad]) is outside 1...\(steps)")
            }
            lengths = given.map { Int($0) }
        }
        let reversed = recurrent.direction == .reverse
        var sequence = x.floats
        let stepLengths = lengths ?? Array(repeating: steps, count: batch)
        if reversed { sequence = reverseInTime(sequence, steps: steps, batch: batch, width: x.shape[2], lengths: stepLengths) }
        let problem: ForwardProblem
        do {
            problem = try ForwardProblem(
                LSTMInput(
                    sequence: try Tensor(shape: [steps, batch, x.shape[2]], values: sequence),
                    initialHidden: initialHidden, initialCell: initialCell, lengths: lengths),
                configuration: recurrent.model.configuration)
        } catch {
            throw fail("\(error)")
        }
        let result = try body(problem)
        var output = result.output  // [T, B, D·H]
        if reversed { output = reverseInTime(output, steps: steps, batch: batch, width: hidden, lengths: stepLengths) }

        var produced: [(String, ONNXArray)] = []
        if let name = recurrent.sequenceOutput {
            let perm = recurrent.layout == 0 ? [0, 2, 1, 3] : [1, 0, 2, 3]  // [T, B, D, H] → Y
            produced.append((name, LayoutOperators.permute(ONNXArray(shape: [steps, batch, directions, hidden], floats: output), perm)))
        }
        func final(_ values: [Float]) -> ONNXArray {
            let array = ONNXArray(shape: [directions, batch, hidden], floats: values)
            return recurrent.layout == 0 ? array : LayoutOperators.permute(array, [1, 0, 2])
        }
        if let name = recurrent.finalHiddenOutput { produced.append((name, final(result.finalHidden))) }
        if let name = recurrent.finalCellOutput, recurrent.model.configuration.hasCellState {
            produced.append((name, final(result.finalCell)))
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
