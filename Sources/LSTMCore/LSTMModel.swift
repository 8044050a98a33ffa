// The weights of an LSTM, one cell per layer and direction, validated against a configuration.

/// The weights of one layer in one direction, row-major, gates in PyTorch's order (i, f, g, o).
public struct LSTMCellWeights: Sendable, Equatable {
    /// `weight_ih`: [4H, layer input size].
    public var inputWeights: [Float]
    /// `weight_hh`: [4H, output size] (output size is P with projection, else H).
    public var recurrentWeights: [Float]
    /// `bias_ih`: [4H], or `nil` for a model without biases.
    public var inputBias: [Float]?
    /// `bias_hh`: [4H], or `nil` for a model without biases.
    public var recurrentBias: [Float]?
    /// `weight_hr`: [P, H], present only with projection.
    public var projectionWeights: [Float]?
    /// `weight_peephole`: [3, H], rows i, f, o; present only with peepholes.
    public var peepholeWeights: [Float]?

    public init(
        inputWeights: [Float], recurrentWeights: [Float], inputBias: [Float]? = nil,
        recurrentBias: [Float]? = nil, projectionWeights: [Float]? = nil, peepholeWeights: [Float]? = nil
    ) {
        self.inputWeights = inputWeights
        self.recurrentWeights = recurrentWeights
        self.inputBias = inputBias
        self.recurrentBias = recurrentBias
        self.projectionWeights = projectionWeights
        self.peepholeWeights = peepholeWeights
    }

    /// `bias_ih + bias_hh` per gate row (zeros without biases), summed in Double.
    public func combinedBias(hiddenSize: Int) -> [Double] {
        (0..<(4 * hiddenSize)).map { row in
            Double(inputBias?[row] ?? 0) + Double(recurrentBias?[row] ?? 0)
        }
    }
}

/// An LSTM's configuration with its weights, `cells[layer][direction]`.
public struct LSTMModel: Sendable, Equatable {
    public let configuration: LSTMConfiguration
    /// Weights indexed by layer, then direction (0 forward, 1 reverse).
    public let cells: [[LSTMCellWeights]]

    /// Creates a model, checking every array against the sizes the configuration implies.
    ///
    /// - Throws: ``ModelError`` naming the first tensor (by its PyTorch name) that does not fit.
    public init(configuration: LSTMConfiguration, cells: [[LSTMCellWeights]]) throws {
        try configuration.validate()
        guard cells.count == configuration.layerCount,
              cells.allSatisfy({ $0.count == configuration.directionCount })
        else {
            throw ModelError.inconsistent("expected \(configuration.layerCount) layers of \(configuration.directionCount) directions, got \(cells.map(\.count))")
        }
        for layer in 0..<configuration.layerCount {
            for direction in 0..<configuration.directionCount {
                try Self.check(cells[layer][direction], layer: layer, direction: direction, configuration)
            }
        }
        self.configuration = configuration
        self.cells = cells
    }

    /// The PyTorch state-dict name of a tensor, e.g. `weight_hh_l1_reverse`.
    public static func tensorName(_ kind: String, layer: Int, direction: Int) -> String {
        "\(kind)_l\(layer)" + (direction == 1 ? "_reverse" : "")
    }

    /// The shape every tensor of a cell must have, keyed by kind (`weight_ih`, ...).
    public static func expectedShapes(
        layer: Int, _ configuration: LSTMConfiguration
    ) -> [(kind: String, shape: [Int])] {
        let gates = 4 * configuration.hiddenSize
        var shapes: [(String, [Int])] = [
            ("weight_ih", [gates, configuration.layerInputSize(layer)]),
            ("weight_hh", [gates, configuration.outputSize]),
        ]
        if configuration.hasBias {
            shapes += [("bias_ih", [gates]), ("bias_hh", [gates])]
        }
        if configuration.projectionSize > 0 {
            shapes.append(("weight_hr", [configuration.projectionSize, configuration.hiddenSize]))
        }
        if configuration.hasPeepholes {
            shapes.append(("weight_peephole", [3, configuration.hiddenSize]))
        }
        return shapes
    }

    private static func check(
        _ cell: LSTMCellWeights, layer: Int, direction: Int, _ configuration: LSTMConfiguration
    ) throws {
        let arrays: [String: [Float]?] = [
            "weight_ih": cell.inputWeights, "weight_hh": cell.recurrentWeights,
            "bias_ih": cell.inputBias, "bias_hh": cell.recurrentBias,
            "weight_hr": cell.projectionWeights, "weight_peephole": cell.peepholeWeights,
        ]
        let expected = expectedShapes(layer: layer, configuration)
        for (kind, shape) in expected {
            let name = tensorName(kind, layer: layer, direction: direction)
            guard let array = arrays[kind] ?? nil else { throw ModelError.missingTensor(name: name) }
            guard array.count == shape.reduce(1, *) else {
                throw ModelError.wrongShape(name: name, shape: [array.count], expected: shape)
            }
        }
        let expectedKinds = Set(expected.map(\.kind))
        for (kind, array) in arrays where (array ?? nil) != nil && !expectedKinds.contains(kind) {
            throw ModelError.unexpectedTensor(name: tensorName(kind, layer: layer, direction: direction))
        }
    }
}
