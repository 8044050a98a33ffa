// A second LSTM, written to differ from CPUReference wherever it can: it reads weights by
// state-dict name, works on the caller's layout (batch-first or not) with nested arrays,
// loops gate by gate over the whole batch, writes sigmoid through tanh, sums the input and
// recurrent products separately, and handles lengths by running every step for every
// sequence and masking the state update instead of stopping early.
import Foundation
import LSTMCore

struct NaiveLSTM {
    let configuration: LSTMConfiguration
    /// Weights by state-dict name, in Double.
    let weights: [String: [Double]]

    init(_ model: LSTMModel) {
        configuration = model.configuration
        weights = model.stateDict().mapValues { $0.values.map(Double.init) }
    }

    /// Output in the input's layout, h_n and c_n, flattened row-major, in Double.
    struct Result {
        var output: [Double]
        var finalHidden: [Double]
        var finalCell: [Double]
    }

    func forward(_ input: LSTMInput) -> Result {
        let shape = input.sequence.shape
        let (steps, batch) = input.batchFirst ? (shape[1], shape[0]) : (shape[0], shape[1])
        let featureCount = shape[2]
        let lengths = input.lengths ?? Array(repeating: steps, count: batch)
        let directions = configuration.directionCount
        let hiddenSize = configuration.hiddenSize
        let outputSize = configuration.outputSize

        // layerInput[t][b] is the feature vector of sequence b at time t.
        var layerInput: [[[Double]]] = (0..<steps).map { t in
            (0..<batch).map { b in
                (0..<featureCount).map { k in
                    let index = input.batchFirst ? (b * steps + t) * featureCount + k : (t * batch + b) * featureCount + k
                    return Double(input.sequence.values[index])
                }
            }
        }
        var finalHidden: [Double] = []
        var finalCell: [Double] = []
        for layer in 0..<configuration.layerCount {
            var layerOutput = [[[Double]]](
                repeating: [[Double]](repeating: [Double](repeating: 0, count: directions * outputSize), count: batch),
                count: steps)
            for direction in 0..<directions {
                let slot = layer * directions + direction
                var h: [[Double]] = (0..<batch).map { b in
                    (0..<outputSize).map { u in
                        Double(input.initialHidden?.values[(slot * batch + b) * outputSize + u] ?? 0)
                    }
                }
                var c: [[Double]] = (0..<batch).map { b in
                    (0..<hiddenSize).map { u in
                        Double(input.initialCell?.values[(slot * batch + b) * hiddenSize + u] ?? 0)
                    }
                }
                let times = direction == 0 ? Array(0..<steps) : Array((0..<steps).reversed())
                for t in times {
                    let (newH, newC) = step(layer: layer, direction: direction, x: layerInput[t], h: h, c: c)
                    for b in 0..<batch {
                        let mask: Double = t < lengths[b] ? 1 : 0
                        h[b] = zip(newH[b], h[b]).map { mask * $0 + (1 - mask) * $1 }
                        c[b] = zip(newC[b], c[b]).map { mask * $0 + (1 - mask) * $1 }
                        for u in 0..<outputSize {
                            layerOutput[t][b][direction * outputSize + u] = mask * newH[b][u]
                        }
                    }
                }
                finalHidden += h.flatMap { $0 }
                finalCell += c.flatMap { $0 }
            }
            layerInput = layerOutput
        }
        let width = directions * outputSize
        var output = [Double](repeating: 0, count: steps * batch * width)
        for t in 0..<steps {
            for b in 0..<batch {
                for k in 0..<width {
                    let index = input.batchFirst ? (b * steps + t) * width + k : (t * batch + b) * width + k
                    output[index] = layerInput[t][b][k]
                }
            }
        }
        return Result(output: output, finalHidden: finalHidden, finalCell: finalCell)
    }

    /// One timestep for the whole batch: returns (h_t, c_t) per sequence.
    private func step(
        layer: Int, direction: Int, x: [[Double]], h: [[Double]], c: [[Double]]
    ) -> ([[Double]], [[Double]]) {
        func tensor(_ kind: String) -> [Double]? {
            weights[LSTMModel.tensorName(kind, layer: layer, direction: direction)]
        }
        let hiddenSize = configuration.hiddenSize
        let inputWidth = x.first?.count ?? 0
        let recurrentWidth = h.first?.count ?? 0
        let weightIH = tensor("weight_ih") ?? []
        let weightHH = tensor("weight_hh") ?? []
        let biasIH = tensor("bias_ih")
        let biasHH = tensor("bias_hh")
        let peephole = tensor("weight_peephole")
        let projection = tensor("weight_hr")

        // preactivation[gate][b][u], gate in PyTorch order i, f, g, o.
        var preactivation = [[[Double]]](
            repeating: [[Double]](repeating: [Double](repeating: 0, count: hiddenSize), count: x.count), count: 4)
        for gate in 0..<4 {
            for b in 0..<x.count {
                for u in 0..<hiddenSize {
                    let row = gate * hiddenSize + u
                    var fromInput = 0.0
                    for k in 0..<inputWidth { fromInput += weightIH[row * inputWidth + k] * x[b][k] }
                    var fromRecurrent = 0.0
                    for k in 0..<recurrentWidth { fromRecurrent += weightHH[row * recurrentWidth + k] * h[b][k] }
                    let bias = (biasIH?[row] ?? 0) + (biasHH?[row] ?? 0)
                    preactivation[gate][b][u] = fromInput + fromRecurrent + bias
                }
            }
        }
        func sigmoid(_ v: Double) -> Double { 0.5 * (1 + tanh(0.5 * v)) }
        var newH: [[Double]] = []
        var newC: [[Double]] = []
        for b in 0..<x.count {
            var cell = [Double](repeating: 0, count: hiddenSize)
            var gated = [Double](repeating: 0, count: hiddenSize)
            for u in 0..<hiddenSize {
                let peepI = peephole.map { $0[u] * c[b][u] } ?? 0
                let peepF = peephole.map { $0[hiddenSize + u] * c[b][u] } ?? 0
                let inputGate = sigmoid(preactivation[0][b][u] + peepI)
                let forgetGate = sigmoid(preactivation[1][b][u] + peepF)
                let candidate = tanh(preactivation[2][b][u])
                cell[u] = forgetGate * c[b][u] + inputGate * candidate
                let peepO = peephole.map { $0[2 * hiddenSize + u] * cell[u] } ?? 0
                gated[u] = sigmoid(preactivation[3][b][u] + peepO) * tanh(cell[u])
            }
            if let projection {
                let rows = projection.count / hiddenSize
                newH.append((0..<rows).map { r in
                    (0..<hiddenSize).reduce(0.0) { $0 + projection[r * hiddenSize + $1] * gated[$1] }
                })
            } else {
                newH.append(gated)
            }
            newC.append(cell)
        }
        return (newH, newC)
    }
}
