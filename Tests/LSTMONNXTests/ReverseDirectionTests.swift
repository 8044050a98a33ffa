// direction="reverse" is run as a forward pass over each sequence reversed within its length:
// the arithmetic is the reverse direction's, so the result must be bitwise that of the
// reverse half of a bidirectional node with the same weights.
import Foundation
import LSTMCore
import LSTMONNX
import Testing

@Suite struct ReverseDirectionTests {
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float.random(in: -0.6...0.6, using: &generator) }
    }

    static func model(op: String, direction: String, w: [Float], r: [Float], b: [Float], directions: Int64,
                      gates: Int64, steps: Int64, batch: Int64, input: Int64, hidden: Int64) -> Data {
        ONNXBuilder.model { graph in
            let outputs = op == "LSTM" ? ["Y", "Y_h", "Y_c"] : ["Y", "Y_h"]
            graph.message(1, ONNXBuilder.node(op, inputs: ["X", "W", "R", "B", "L"], outputs: outputs, name: "rnn", attributes: [
                ONNXBuilder.intAttribute("hidden_size", hidden),
                { $0.string(1, "direction"); $0.int(20, 3); $0.string(4, direction) },
            ]))
            graph.message(5, ONNXBuilder.floatTensor("W", dims: [directions, gates * hidden, input], values: w))
            graph.message(5, ONNXBuilder.floatTensor("R", dims: [directions, gates * hidden, hidden], values: r))
            graph.message(5, ONNXBuilder.floatTensor("B", dims: [directions, 2 * gates * hidden], values: b))
            graph.message(11, ONNXBuilder.valueInfo("X", dims: [steps, batch, input]))
            graph.message(11, ONNXBuilder.valueInfo("L", type: 6, dims: [batch]))
            for name in outputs { graph.message(12, ONNXBuilder.valueInfo(name, dims: [])) }
        }
    }

    @Test(arguments: ["LSTM", "GRU"])
    func reverseIsBitwiseTheReverseHalfOfBidirectional(op: String) throws {
        let (steps, batch, input, hidden) = (6, 4, 3, 5)
        let gates = op == "LSTM" ? 4 : 3
        let (wCount, rCount, bCount) = (gates * hidden * input, gates * hidden * hidden, 2 * gates * hidden)
        let w = Self.values(2 * wCount, seed: 1), r = Self.values(2 * rCount, seed: 2), b = Self.values(2 * bCount, seed: 3)
        func program(_ direction: String) throws -> ONNXProgram {
            let both = direction == "bidirectional"
            let data = Self.model(
                op: op, direction: direction,
                w: both ? w : Array(w[wCount...]), r: both ? r : Array(r[rCount...]), b: both ? b : Array(b[bCount...]),
                directions: both ? 2 : 1, gates: Int64(gates), steps: Int64(steps), batch: Int64(batch),
                input: Int64(input), hidden: Int64(hidden))
            return try ONNXProgram(ONNXFile.decode(data, source: "\(direction).onnx"))
        }
        let feeds = [
            "X": ONNXArray(shape: [steps, batch, input], floats: Self.values(steps * batch * input, seed: 4)),
            "L": ONNXArray(shape: [batch], integers: [6, 1, 4, 3], type: .int32),
        ]
        func run(_ program: ONNXProgram) throws -> [String: ONNXArray] {
            try program.run(feeds: feeds) { pass, problem in
                try CPUReference(model: pass.model).run(problem)
            }
        }
        let bidirectional = try run(program("bidirectional"))
        let reverse = try run(program("reverse"))

        let y = try #require(bidirectional["Y"]), yReverse = try #require(reverse["Y"])
        #expect(yReverse.shape == [steps, 1, batch, hidden])
        let block = batch * hidden
        var reverseHalf: [Float] = []
        for t in 0..<steps { reverseHalf += y.floats[((t * 2 + 1) * block)..<((t * 2 + 2) * block)] }
        #expect(reverseHalf.map(\.bitPattern) == yReverse.floats.map(\.bitPattern))
        // Padding past each length stays zero, as onnxruntime writes it.
        #expect(yReverse.floats[(5 * block + 1 * hidden)..<(5 * block + 2 * hidden)].allSatisfy { $0 == 0 })
        let finalStates = op == "LSTM" ? ["Y_h", "Y_c"] : ["Y_h"]
        for name in finalStates {
            let both = try #require(bidirectional[name]), one = try #require(reverse[name])
            #expect(Array(both.floats[block...]).map(\.bitPattern) == one.floats.map(\.bitPattern), "\(name)")
        }
    }
}
