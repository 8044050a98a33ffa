// CPUReference against numbers worked out in the test with the plain LSTM formulas, for
// one unit: one step, two steps, gate order, peepholes and projection.
import Foundation
import Testing
import LSTMCore

private func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

/// A single-layer model of hand-written weights; gates in PyTorch order i, f, g, o.
private func model(
    inputSize: Int = 1, hiddenSize: Int = 1, projectionSize: Int = 0, _ weights: LayerWeights
) throws -> LSTMModel {
    let configuration = LSTMConfiguration(
        inputSize: inputSize, hiddenSize: hiddenSize, projectionSize: projectionSize,
        hasBias: weights.inputBias != nil, hasPeepholes: weights.peepholeWeights != nil)
    return try LSTMModel(configuration: configuration, layers: [[weights]])
}

private func input(_ xs: [Float], h0: [Float], c0: [Float]) throws -> LSTMInput {
    LSTMInput(
        sequence: try Tensor(shape: [xs.count, 1, 1], values: xs),
        initialHidden: try Tensor(shape: [1, 1, h0.count], values: h0),
        initialCell: try Tensor(shape: [1, 1, c0.count], values: c0))
}

/// Float rounding of a Double result is at most ~6e-8 relative for these magnitudes.
private func expectNear(_ got: [Float], _ expected: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.count == expected.count, sourceLocation: sourceLocation)
    for (value, reference) in zip(got, expected) {
        #expect(abs(Double(value) - reference) <= 1e-6, "got \(value), expected \(reference)", sourceLocation: sourceLocation)
    }
}

@Suite("CPU reference against hand computation")
struct HandComputedTests {
    let wIH: [Float] = [0.5, -0.3, 0.8, 0.1]
    let wHH: [Float] = [0.2, 0.4, -0.6, 0.7]
    let bIH: [Float] = [0.1, 0.2, -0.1, 0.05]
    let bHH: [Float] = [-0.05, 0.1, 0.3, 0.2]

    /// (h, c) after one step of the one-unit cell above, written out gate by gate.
    func handStep(x: Double, h: Double, c: Double) -> (h: Double, c: Double) {
        func z(_ gate: Int) -> Double {
            Double(wIH[gate]) * x + Double(bIH[gate]) + Double(wHH[gate]) * h + Double(bHH[gate])
        }
        let i = sigmoid(z(0)), f = sigmoid(z(1)), g = tanh(z(2)), o = sigmoid(z(3))
        let newC = f * c + i * g
        return (o * tanh(newC), newC)
    }

    @Test func oneStepOneUnit() throws {
        let lstm = try model(LayerWeights(inputWeights: wIH, recurrentWeights: wHH, inputBias: bIH, recurrentBias: bHH))
        let result = try referenceForward(lstm, try input([0.9], h0: [-0.4], c0: [0.25]))
        let expected = handStep(x: Double(Float(0.9)), h: Double(Float(-0.4)), c: Double(Float(0.25)))
        #expect(result.output.shape == [1, 1, 1])
        expectNear(result.output.values, [expected.h])
        expectNear(result.finalHidden.values, [expected.h])
        expectNear(try #require(result.finalCell).values, [expected.c])
        // Not trivially close to the inputs: the step really moved the state.
        #expect(abs(expected.c - 0.25) > 0.05)
    }

    @Test func twoStepsCarryTheState() throws {
        let lstm = try model(LayerWeights(inputWeights: wIH, recurrentWeights: wHH, inputBias: bIH, recurrentBias: bHH))
        let result = try referenceForward(lstm, try input([0.9, -1.2], h0: [-0.4], c0: [0.25]))
        let first = handStep(x: Double(Float(0.9)), h: Double(Float(-0.4)), c: Double(Float(0.25)))
        let second = handStep(x: Double(Float(-1.2)), h: first.h, c: first.c)
        #expect(result.output.shape == [2, 1, 1])
        expectNear(result.output.values, [first.h, second.h])
        expectNear(result.finalHidden.values, [second.h])
        expectNear(try #require(result.finalCell).values, [second.c])
    }

    /// With zero weights and input, the gates see only their biases; distinct biases per
    /// gate give an h that only the i, f, g, o order reproduces.
    @Test func gateOrderIsInputForgetCellOutput() throws {
        let biases: [Float] = [0.3, -1.1, 1.7, 0.9]
        let c0 = Double(Float(0.6))
        func hand(_ b: [Float]) -> (h: Double, c: Double) {
            let i = sigmoid(Double(b[0])), f = sigmoid(Double(b[1])), g = tanh(Double(b[2])), o = sigmoid(Double(b[3]))
            let c = f * c0 + i * g
            return (o * tanh(c), c)
        }
        let lstm = try model(LayerWeights(
            inputWeights: [0, 0, 0, 0], recurrentWeights: [0, 0, 0, 0],
            inputBias: biases, recurrentBias: [0, 0, 0, 0]))
        let result = try referenceForward(lstm, try input([0.7], h0: [0.2], c0: [Float(c0)]))
        let expected = hand(biases)
        expectNear(result.finalHidden.values, [expected.h])
        expectNear(try #require(result.finalCell).values, [expected.c])
        // The test can tell orders apart: every other assignment of biases to gates differs.
        for permutation in permutations([0, 1, 2, 3]) where permutation != [0, 1, 2, 3] {
            let other = hand(permutation.map { biases[$0] })
            #expect(abs(other.h - expected.h) > 1e-3 || abs(other.c - expected.c) > 1e-3, "\(permutation)")
        }
    }

    /// One gate driven hard (±20) while the others sit at ½ and the candidate at tanh(0.5):
    /// each gate position leaves its own mark on c and h.
    @Test(arguments: [(0, Float(20)), (1, Float(20)), (1, Float(-20)), (2, Float(20)), (2, Float(-20)), (3, Float(-20))])
    func oneGateDrivenHard(gate: Int, bias: Float) throws {
        var recurrentBias: [Float] = [0, 0, 0, 0]
        recurrentBias[gate] = bias
        let lstm = try model(LayerWeights(
            inputWeights: [0, 0, 0, 0], recurrentWeights: [0, 0, 0, 0],
            inputBias: [0, 0, 0.5, 0], recurrentBias: recurrentBias))
        let result = try referenceForward(lstm, try input([0.7], h0: [0.2], c0: [0.6]))
        var z = [0, 0, Double(Float(0.5)), 0]
        z[gate] += Double(bias)
        let c0 = Double(Float(0.6))
        let c = sigmoid(z[1]) * c0 + sigmoid(z[0]) * tanh(z[2])
        let h = sigmoid(z[3]) * tanh(c)
        expectNear(try #require(result.finalCell).values, [c])
        expectNear(result.finalHidden.values, [h])
    }

    /// Peepholes: i and f see c_{t-1}, o sees the new c_t.
    @Test func peepholesUsePreviousCellForInputAndForgetAndNewCellForOutput() throws {
        let peephole: [Float] = [0.7, -0.9, 1.3]
        let lstm = try model(LayerWeights(
            inputWeights: wIH, recurrentWeights: wHH, inputBias: bIH, recurrentBias: bHH, peepholeWeights: peephole))
        let (x, h0, c0) = (Double(Float(0.9)), Double(Float(-0.4)), Double(Float(0.8)))
        func z(_ gate: Int) -> Double {
            Double(wIH[gate]) * x + Double(bIH[gate]) + Double(wHH[gate]) * h0 + Double(bHH[gate])
        }
        let i = sigmoid(z(0) + Double(peephole[0]) * c0)
        let f = sigmoid(z(1) + Double(peephole[1]) * c0)
        let c = f * c0 + i * tanh(z(2))
        let o = sigmoid(z(3) + Double(peephole[2]) * c)
        let result = try referenceForward(lstm, try input([0.9], h0: [-0.4], c0: [0.8]))
        expectNear(try #require(result.finalCell).values, [c])
        expectNear(result.finalHidden.values, [o * tanh(c)])
        // Using c_{t-1} for the output peephole would give a visibly different h.
        #expect(abs(sigmoid(z(3) + Double(peephole[2]) * c0) * tanh(c) - o * tanh(c)) > 1e-3)
    }

    /// Projection: H = 2, P = 1; h_t = W_hr · (o ⊙ tanh(c_t)) and feeds back as the recurrent input.
    @Test func projectionMapsGatedCellToSmallerHidden() throws {
        let weightIH: [Float] = [0.5, -0.2, 0.3, 0.9, -0.7, 0.4, 0.6, -0.1]  // [8, 1]
        let weightHH: [Float] = [0.3, -0.5, 0.2, 0.8, -0.4, 0.1, 0.7, -0.6]  // [8, 1]
        let weightHR: [Float] = [1.5, -0.8]                                  // [1, 2]
        let lstm = try model(hiddenSize: 2, projectionSize: 1, LayerWeights(
            inputWeights: weightIH, recurrentWeights: weightHH, projectionWeights: weightHR))
        let xs: [Float] = [0.9, -0.3]
        var h = Double(Float(-0.4))
        var c = [Double(Float(0.25)), Double(Float(-0.5))]
        var outputs: [Double] = []
        for x in xs {
            var gated = [0.0, 0.0]
            for unit in 0..<2 {
                func z(_ gate: Int) -> Double {
                    Double(weightIH[gate * 2 + unit]) * Double(x) + Double(weightHH[gate * 2 + unit]) * h
                }
                c[unit] = sigmoid(z(1)) * c[unit] + sigmoid(z(0)) * tanh(z(2))
                gated[unit] = sigmoid(z(3)) * tanh(c[unit])
            }
            h = Double(weightHR[0]) * gated[0] + Double(weightHR[1]) * gated[1]
            outputs.append(h)
        }
        let result = try referenceForward(lstm, try input(xs, h0: [-0.4], c0: [0.25, -0.5]))
        #expect(result.output.shape == [2, 1, 1])
        #expect(result.finalCell?.shape == [1, 1, 2])
        expectNear(result.output.values, outputs)
        expectNear(result.finalHidden.values, [h])
        expectNear(try #require(result.finalCell).values, c)
    }
}

private func permutations(_ items: [Int]) -> [[Int]] {
    guard items.count > 1 else { return [items] }
    return items.indices.flatMap { index -> [[Int]] in
        var rest = items
        let first = rest.remove(at: index)
        return permutations(rest).map { [first] + $0 }
    }
}
