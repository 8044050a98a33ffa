// The weights of a recurrent model, one set per layer and direction, validated against a
// configuration and its cell's declaration.

/// The weights of one layer in one direction, row-major, gates stacked by rows in PyTorch's
/// order (LSTM i, f, g, o; GRU r, z, n). G below is the cell's gate count.
public struct LayerWeights: Sendable, Equatable {
    /// `weight_ih`: [G·H, layer input size].
    public var inputWeights: [Float]
    /// `weight_hh`: [G·H, output size] (output size is P with projection, else H).
    public var recurrentWeights: [Float]
    /// `bias_ih`: [G·H], or `nil` for a model without biases.
    public var inputBias: [Float]?
    /// `bias_hh`: [G·H], or `nil` for a model without biases.
    public var recurrentBias: [Float]?
    /// `weight_hr`: [P, H], LSTM with projection only.
    public var projectionWeights: [Float]?
    /// `weight_peephole`: [3, H], rows i, f, o; LSTM with peepholes only.
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

    /// `bias_ih[row] + bias_hh[row]` for each of the `rows` gate rows (zeros without
    /// biases), summed in Double.
    public func combinedBias(rows: Int) -> [Double] {
        (0..<rows).map { row in Double(inputBias?[row] ?? 0) + Double(recurrentBias?[row] ?? 0) }
    }
}

/// A recurrent model's configuration with its weights, `layers[layer][direction]`.
public struct LSTMModel: Sendable, Equatable {
    public let configuration: LSTMConfiguration
    /// Weights indexed by layer, then direction (0 forward, 1 reverse).
    public let layers: [[LayerWeights]]

    /// Creates a model, checking every array against the sizes the configuration implies.
    ///
    /// - Throws: ``ModelError`` naming the first tensor (by its PyTorch name) that does not fit.
    public init(configuration: LSTMConfiguration, layers: [[LayerWeights]]) throws {
        try configuration.validate()
        guard layers.count == configuration.layerCount,
              layers.allSatisfy({ $0.count == configuration.directionCount })
        else {
            throw ModelError.inconsistent("expected \(configuration.layerCount) layers of \(configuration.directionCount) directions, got \(layers.map(\.count))")
        }
        for layer in 0..<configuration.layerCount {
            for direction in 0..<configuration.directionCount {
                try Self.check(layers[layer][direction], layer: layer, direction: direction, configuration)
            }
        }
        self.configuration = configuration
        self.layers = layers
    }

    /// The PyTorch state-dict name of a tensor, e.g. `weight_hh_l1_reverse`.
    public static func tensorName(_ kind: String, layer: Int, direction: Int) -> String {
        "\(kind)_l\(layer)" + (direction == 1 ? "_reverse" : "")
    }

    /// The shape every tensor of a layer-direction must have, keyed by kind (`weight_ih`,
    /// ...), as the cell declares them.
    public static func expectedShapes(
        layer: Int, _ configuration: LSTMConfiguration
    ) -> [(kind: String, shape: [Int])] {
        configuration.declaration.weightTensors(layer: layer, configuration).map { ($0.kind, $0.shape) }
    }

    private static func check(
        _ weights: LayerWeights, layer: Int, direction: Int, _ configuration: LSTMConfiguration
    ) throws {
        let arrays: [String: [Float]?] = [
            "weight_ih": weights.inputWeights, "weight_hh": weights.recurrentWeights,
            "bias_ih": weights.inputBias, "bias_hh": weights.recurrentBias,
            "weight_hr": weights.projectionWeights, "weight_peephole": weights.peepholeWeights,
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
