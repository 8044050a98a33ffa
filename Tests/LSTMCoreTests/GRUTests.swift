// The GRU cell in the CPU reference against numbers worked out here from torch.nn.GRU's
// formulas (one unit, both reset forms), and the cell detection of state-dict loading.
import Foundation
import LSTMCore
import LSTMTestSupport
import Testing

@Suite("GRU: reference and state-dict detection")
struct GRUTests {
    // One unit, gates r, z, n.
    let wIH: [Float] = [0.5, -0.3, 0.8]
    let wHH: [Float] = [0.2, 0.4, -0.6]
    let bIH: [Float] = [0.1, 0.2, -0.1]
    let bHH: [Float] = [-0.05, 0.1, 0.3]

    func model(linearBeforeReset: Bool) throws -> LSTMModel {
        let configuration = LSTMConfiguration(cell: .gru, inputSize: 1, hiddenSize: 1, linearBeforeReset: linearBeforeReset)
        return try LSTMModel(configuration: configuration, layers: [[
            LayerWeights(inputWeights: wIH, recurrentWeights: wHH, inputBias: bIH, recurrentBias: bHH),
        ]])
    }

    /// h after one step, written out gate by gate.
    func handStep(x: Double, h: Double, linearBeforeReset: Bool) -> Double {
        func w(_ a: [Float], _ g: Int) -> Double { Double(a[g]) }
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        let r = sigmoid(w(wIH, 0) * x + w(bIH, 0) + w(wHH, 0) * h + w(bHH, 0))
        let z = sigmoid(w(wIH, 1) * x + w(bIH, 1) + w(wHH, 1) * h + w(bHH, 1))
        let n = linearBeforeReset
            ? tanh(w(wIH, 2) * x + w(bIH, 2) + r * (w(wHH, 2) * h + w(bHH, 2)))
            : tanh(w(wIH, 2) * x + w(bIH, 2) + w(wHH, 2) * (r * h) + w(bHH, 2))
        return (1 - z) * n + z * h
    }

    @Test("two steps of one unit match the formulas", arguments: [true, false])
    func twoSteps(linearBeforeReset: Bool) throws {
        let gru = try model(linearBeforeReset: linearBeforeReset)
        let input = LSTMInput(
            sequence: try Tensor(shape: [2, 1, 1], values: [0.9, -0.7]),
            initialHidden: try Tensor(shape: [1, 1, 1], values: [-0.4]))
        let problem = try ForwardProblem(input, configuration: gru.configuration)
        let result = try CPUReference(model: gru).run(problem)
        let h1 = handStep(x: Double(Float(0.9)), h: Double(Float(-0.4)), linearBeforeReset: linearBeforeReset)
        let h2 = handStep(x: Double(Float(-0.7)), h: Double(Float(h1)), linearBeforeReset: linearBeforeReset)
        #expect(abs(Double(result.output[0]) - h1) <= 1e-6)
        #expect(abs(Double(result.output[1]) - h2) <= 1e-6)
        #expect(result.finalHidden == [result.output[1]])
        #expect(result.finalCell.isEmpty)
        #expect(abs(h2 - h1) > 0.05 && abs(h1 + 0.4) > 0.05)
    }

    @Test("the two reset forms differ (b_hn and W_hn see r differently)")
    func formsDiffer() throws {
        let input = LSTMInput(sequence: try Tensor(shape: [1, 1, 1], values: [0.9]),
                              initialHidden: try Tensor(shape: [1, 1, 1], values: [-0.4]))
        let outputs = try [true, false].map { form -> Float in
            let gru = try model(linearBeforeReset: form)
            return try CPUReference(model: gru).run(ForwardProblem(input, configuration: gru.configuration)).output[0]
        }
        #expect(outputs[0] != outputs[1])
    }

    @Test("a 3H-row weight_hh is a GRU even when 3H is divisible by 4", arguments: [8, 4, 5])
    func detection(hidden: Int) throws {
        let configuration = LSTMConfiguration(cell: .gru, inputSize: 3, hiddenSize: hidden, layerCount: 2, bidirectional: true)
        let model = try LSTMModel.random(configuration, seed: 5)
        let loaded = try LSTMModel(stateDict: model.stateDict())
        #expect(loaded.configuration == configuration)
        #expect(loaded == model)
        #expect(model.stateDict()["weight_hh_l0"]?.shape == [3 * hidden, hidden])
    }

    @Test("a 4H-row weight_hh is an LSTM; other row counts are named errors")
    func lstmAndErrors() throws {
        let lstm = try LSTMModel.random(LSTMConfiguration(inputSize: 3, hiddenSize: 6), seed: 2)
        #expect(try LSTMModel(stateDict: lstm.stateDict()).configuration.cell == .lstm)
        var generator = SeededGenerator(seed: 3)
        let odd: [String: Tensor] = ["weight_ih_l0": generator.tensor([10, 3]), "weight_hh_l0": generator.tensor([10, 5])]
        #expect {
            try LSTMModel(stateDict: odd)
        } throws: { error in
            "\(error)".contains("weight_hh_l0") && "\(error)".contains("GRU")
        }
    }

    @Test("c0 is refused for a GRU; its result has no c_n")
    func noCellState() throws {
        let configuration = LSTMConfiguration(cell: .gru, inputSize: 2, hiddenSize: 3)
        let model = try LSTMModel.random(configuration, seed: 4)
        var input = SeededInputs.input(configuration, steps: 3, batch: 2, seed: 9)
        #expect(input.initialCell == nil)
        let output = try CPUReference(model: model).run(ForwardProblem(input, configuration: configuration))
            .shaped(for: try ForwardProblem(input, configuration: configuration), batchFirst: false)
        #expect(output.finalCell == nil)
        #expect(output.finalHidden.shape == [1, 2, 3])
        input.initialCell = Tensor(repeating: 0.5, shape: [1, 2, 3])
        #expect(throws: ShapeError.self) { try ForwardProblem(input, configuration: configuration) }
    }

    @Test("projection and peepholes are refused for a GRU")
    func noProjectionOrPeepholes() {
        #expect(throws: ModelError.self) { try LSTMConfiguration(cell: .gru, inputSize: 2, hiddenSize: 3, projectionSize: 1).validate() }
        #expect(throws: ModelError.self) { try LSTMConfiguration(cell: .gru, inputSize: 2, hiddenSize: 3, hasPeepholes: true).validate() }
    }

    @Test("FLOPs are 2·T·B·3H·(I + H) per layer-direction")
    func flops() {
        let configuration = LSTMConfiguration(cell: .gru, inputSize: 512, hiddenSize: 256, layerCount: 2, bidirectional: true)
        let perLayer: Double = 3 * 256 * (512 + 256)
        let expected: Double = 2 * 10 * 4 * 2 * (2 * perLayer)
        #expect(configuration.flops(steps: 10, batch: 4) == expected)
    }
}
