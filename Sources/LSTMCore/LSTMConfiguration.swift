// The cell kind, sizes and variant switches of a recurrent model, as PyTorch's nn.LSTM and
// nn.GRU name them.

/// The shape of a recurrent model: its cell, sizes, depth, directions and optional parts.
public struct LSTMConfiguration: Equatable, Hashable, Sendable, Codable {
    /// The recurrent cell (`nn.LSTM` or `nn.GRU`).
    public var cell: CellKind
    /// GRU only: `true` applies the reset gate after W_hn (PyTorch, ONNX
    /// `linear_before_reset = 1`), `false` before it (ONNX's default). Ignored for LSTM.
    public var linearBeforeReset: Bool
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
    /// The activations, clip and coupled input-forget gate (ONNX attributes); PyTorch's
    /// cells are ``GateFunctions/standard``.
    public var gateFunctions: GateFunctions = .standard

    public init(
        cell: CellKind = .lstm, inputSize: Int, hiddenSize: Int, projectionSize: Int = 0, layerCount: Int = 1,
        bidirectional: Bool = false, hasBias: Bool = true, hasPeepholes: Bool = false, linearBeforeReset: Bool = true
    ) {
        self.cell = cell
        self.linearBeforeReset = linearBeforeReset
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.projectionSize = projectionSize
        self.layerCount = layerCount
        self.bidirectional = bidirectional
        self.hasBias = hasBias
        self.hasPeepholes = hasPeepholes
    }

    /// The declaration of the cell's tensors, gates, states and arithmetic.
    public var declaration: any RecurrentCellDeclaration.Type { cell.declaration }

    /// Gates per unit (4 for LSTM, 3 for GRU).
    public var gateCount: Int { cell.declaration.gateCount }

    /// Whether the cell carries a c state (LSTM only).
    public var hasCellState: Bool { cell.declaration.hasCellState }

    /// Width of the c state per direction: H for an LSTM, 0 for a cell without one.
    public var cellStateSize: Int { hasCellState ? hiddenSize : 0 }

    /// 2 for a bidirectional model, else 1.
    public var directionCount: Int { bidirectional ? 2 : 1 }

    /// Size of the hidden state one direction emits: the projection size if any, else the hidden size.
    public var outputSize: Int { projectionSize > 0 ? projectionSize : hiddenSize }

    /// Features per timestep that layer `layer` reads.
    public func layerInputSize(_ layer: Int) -> Int {
        layer == 0 ? inputSize : outputSize * directionCount
    }

    /// Floating-point operations of one forward pass, counting the cell's products (gates,
    /// and the projection) as two operations per multiply-add.
    public func flops(steps: Int, batch: Int) -> Double {
        var total = 0.0
        for layer in 0..<layerCount {
            let work = declaration.multiplyAddsPerStep(layer: layer, self)
            total += 2 * Double(steps) * Double(batch) * Double(directionCount) * Double(work)
        }
        return total
    }

    /// Checks that every size is usable.
    public func validate() throws {
        guard inputSize > 0, hiddenSize > 0, layerCount > 0 else {
            throw ModelError.invalidConfiguration("input size, hidden size and layer count must be positive (got I=\(inputSize), H=\(hiddenSize), layers=\(layerCount))")
        }
        if cell == .gru, projectionSize > 0 || hasPeepholes {
            throw ModelError.invalidConfiguration("a GRU has no projection and no peepholes (torch.nn.GRU has neither)")
        }
        guard projectionSize >= 0, projectionSize < hiddenSize || projectionSize == 0 else {
            throw ModelError.invalidConfiguration("projection size must be smaller than the hidden size, as in PyTorch (got P=\(projectionSize), H=\(hiddenSize))")
        }
    }
}
