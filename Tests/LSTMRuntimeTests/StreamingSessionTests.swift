// Streaming sessions: a sequence fed in pieces of random lengths gives bitwise the output and
// final state of one pass over it, on the CPU reference and on OpenCL, for LSTM and GRU; a
// reset slot starts a new sequence as a fresh one-shot run would; bad use is a clear error.
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("Streaming sessions")
struct StreamingSessionTests {
    static let configurations = [
        LSTMConfiguration(inputSize: 5, hiddenSize: 19, projectionSize: 6, layerCount: 2, hasPeepholes: true),
        LSTMConfiguration(inputSize: 7, hiddenSize: 13, layerCount: 3),
        LSTMConfiguration(cell: .gru, inputSize: 6, hiddenSize: 11, layerCount: 2),
        LSTMConfiguration(cell: .gru, inputSize: 4, hiddenSize: 9, linearBeforeReset: false),
    ]

    /// Rows [from, from + count) of a [T, B, W] tensor's first axis.
    static func steps(_ tensor: Tensor, from: Int, count: Int) throws -> Tensor {
        let row = tensor.shape[1] * tensor.shape[2]
        return try Tensor(shape: [count, tensor.shape[1], tensor.shape[2]],
                          values: Array(tensor.values[(from * row)..<((from + count) * row)]))
    }

    @Test("pieces of random lengths are bitwise one pass", arguments: ["cpu", "opencl"], configurations.indices)
    func piecesEqualOnePass(device: String, index: Int) throws {
        let selection = try DeviceSelection(parsing: device)
        if device == "opencl" { _ = try Device.first() }
        let configuration = Self.configurations[index]
        let model = try LSTMModel.random(configuration, seed: 40 + UInt64(index))
        let engine = try LSTMEngine(model: model, device: selection, options: quietOptions)
        let (steps, batch) = (23, 5)
        let input = SeededInputs.input(configuration, steps: steps, batch: batch, seed: 50 + UInt64(index))
        let whole = try engine.forward(input)

        let session = try StreamingSession(
            engine: engine, batch: batch, initialHidden: input.initialHidden, initialCell: input.initialCell)
        var generator = SeededGenerator(seed: 60 + UInt64(index))
        var outputs: [Float] = []
        var done = 0
        while done < steps {
            let count = min(steps - done, Int.random(in: 1...6, using: &generator))
            outputs += try session.feed(Self.steps(input.sequence, from: done, count: count)).values
            done += count
        }
        #expect(OutputComparison.firstDifference(outputs, whole.output.values) == nil, "output")
        #expect(OutputComparison.firstDifference(try session.hiddenState().values, whole.finalHidden.values) == nil, "h_n")
        #expect(OutputComparison.firstDifference(try session.cellState()?.values ?? [], whole.finalCell?.values ?? []) == nil, "c_n")
        #expect(!outputs.contains { $0.isNaN })
    }

    @Test("a reset slot runs a new sequence as a fresh one-shot run does", arguments: ["cpu", "opencl"])
    func resetSlot(device: String) throws {
        if device == "opencl" { _ = try Device.first() }
        let configuration = Self.configurations[0]
        let model = try LSTMModel.random(configuration, seed: 70)
        let engine = try LSTMEngine(model: model, device: try DeviceSelection(parsing: device), options: quietOptions)
        let session = try StreamingSession(engine: engine, batch: 3)
        let first = SeededInputs.input(configuration, steps: 4, batch: 3, seed: 71, withStates: false)
        _ = try session.feed(first.sequence)

        // Slot 1 starts over from given states; the others go on.
        let fresh = SeededInputs.input(configuration, steps: 5, batch: 3, seed: 72)
        let hidden = try Tensor(shape: [2, 1, 6], values: (0..<2).flatMap { layer in
            Array(fresh.initialHidden!.values[((layer * 3 + 1) * 6)..<((layer * 3 + 2) * 6)]) })
        let cell = try Tensor(shape: [2, 1, 19], values: (0..<2).flatMap { layer in
            Array(fresh.initialCell!.values[((layer * 3 + 1) * 19)..<((layer * 3 + 2) * 19)]) })
        try session.reset(streams: [1], hidden: hidden, cell: cell)
        let streamed = try session.feed(fresh.sequence)
        let oneShot = try engine.forward(fresh)
        for t in 0..<5 {
            let row = (t * 3 + 1) * 6
            #expect(Array(streamed.values[row..<(row + 6)]) == Array(oneShot.output.values[row..<(row + 6)]), "step \(t)")
        }
        // Resetting to zeros equals a run without initial states.
        try session.reset(streams: [0, 2])
        let zeroed = try session.hiddenState().values
        #expect(zeroed[0..<6].allSatisfy { $0 == 0 } && zeroed[12..<18].allSatisfy { $0 == 0 })
        #expect(zeroed[6..<12].contains { $0 != 0 })
    }

    @Test("bad use is a clear error")
    func errors() throws {
        let bidirectional = try LSTMModel.random(LSTMConfiguration(inputSize: 3, hiddenSize: 4, bidirectional: true), seed: 80)
        let engine = try LSTMEngine(model: bidirectional, device: .cpu, options: quietOptions)
        #expect { try StreamingSession(engine: engine, batch: 2) } throws: { "\($0)".contains("bidirectional") }

        let gru = try LSTMModel.random(LSTMConfiguration(cell: .gru, inputSize: 3, hiddenSize: 4), seed: 81)
        let gruEngine = try LSTMEngine(model: gru, device: .cpu, options: quietOptions)
        #expect(throws: ShapeError.self) {
            try StreamingSession(engine: gruEngine, batch: 2, initialCell: Tensor(repeating: 0, shape: [1, 2, 4]))
        }
        let session = try StreamingSession(engine: gruEngine, batch: 2)
        #expect(throws: ShapeError.self) { try session.feed(Tensor(repeating: 0, shape: [1, 3, 3])) }
        #expect(throws: ShapeError.self) { try session.feed(Tensor(repeating: 0, shape: [0, 2, 3])) }
        #expect(throws: ShapeError.self) { try session.reset(streams: [2]) }
        #expect(try session.cellState() == nil)
    }
}
