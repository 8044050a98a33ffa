// The sizes and variant switches of an LSTM, as PyTorch's nn.LSTM names them.

/// The shape of an LSTM model: sizes, depth, directions and optional parts.
public struct LSTMConfiguration: Equatable, Hashable, Sendable, Codable {
    /// Features per timestep of the first layer's input (`input_size`).
    public var inputSize: Int
    /// Cell state size per direction (`hidden_size`).
    public var hiddenSize: Int
    /// Size of the projected hidden state (`proj_size`); 0 means no projection.
    public var projectionSize: Int
    /// Number of stacked layers (`num_layers`).
    public var layerCount: Int
    /// Whether each layer also runs a reverse-time direction.
    public var bidirectional: Bool
    /// Whether the cells carry `bias_ih` and `bias_hh`.
    public var hasBias: Bool
    /// Whether the cells carry peephole weights (an extension of PyTorch's naming).
    public var hasPeepholes: Bool

    public init(
        inputSize: Int, hiddenSize: Int, projectionSize: Int = 0, layerCount: Int = 1,
        bidirectional: Bool = false, hasBias: Bool = true, hasPeepholes: Bool = false
    ) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.projectionSize = projectionSize
        self.layerCount = layerCount
        self.bidirectional = bidirectional
        self.hasBias = hasBias
        self.hasPeepholes = hasPeepholes
    }

    /// 2 for a bidirectional model, else 1.
    public var directionCount: Int { bidirectional ? 2 : 1 }

    /// Size of the hidden state one direction emits: the projection size if any, else the hidden size.
    public var outputSize: Int { projectionSize > 0 ? projectionSize : hiddenSize }

    /// Features per timestep that layer `layer` reads.
    public func layerInputSize(_ layer: Int) -> Int {
        layer == 0 ? inputSize : outputSize * directionCount
    }

    /// Floating-point operations of one forward pass, counting the gate products
    /// (and the projection) as two operations per multiply-add.
    public func flops(steps: Int, batch: Int) -> Double {
        var total = 0.0
        for layer in 0..<layerCount {
            let gateWork = 4 * hiddenSize * (layerInputSize(layer) + outputSize)
            let projectionWork = projectionSize * hiddenSize
            total += 2 * Double(steps) * Double(batch) * Double(directionCount) * Double(gateWork + projectionWork)
        }
        return total
    }

    /// Checks that every size is usable.
    public func validate() throws {
        guard inputSize > 0, hiddenSize > 0, layerCount > 0 else {
            throw ModelError.invalidConfiguration("input size, hidden size and layer count must be positive (got I=\(inputSize), H=\(hiddenSize), layers=\(layerCount))")
        }
        guard projectionSize >= 0, projectionSize < hiddenSize || projectionSize == 0 else {
            throw ModelError.invalidConfiguration("projection size must be smaller than the hidden size, as in PyTorch (got P=\(projectionSize), H=\(hiddenSize))")
        }
    }
}
