// Conversion between an LSTMModel and a torch.nn.LSTM or torch.nn.GRU state dict: the cell
// and the configuration are inferred from tensor names and shapes alone, and every
// inconsistency is reported with the name of the tensor at fault.

extension LSTMModel {
    /// Builds a model from `nn.LSTM` or `nn.GRU` state-dict tensors, inferring the cell and
    /// the whole configuration.
    ///
    /// The cell: a `weight_hr` or `weight_peephole`, or `weight_hh_l0` with 4H rows, means
    /// LSTM; 3H rows means GRU, where H is `weight_hh_l0`'s column count (the projection's
    /// column count when there is one). Row divisibility alone never decides: many GRUs have
    /// 3H divisible by 4. The layer count comes from the highest `_l{k}`, bidirectionality
    /// from any `_reverse` name, the input size from `weight_ih_l0` (columns), the projection
    /// size from `weight_hr_l0` (rows), and biases and peepholes from their presence. A part present for one layer or direction is
    /// required for all of them. Names must be exact: a prefixed name such as
    /// `lstm.weight_ih_l0` is rejected.
    ///
    /// - Throws: ``ModelError``: `missingTensor` for an absent tensor (including a gap in
    ///   layer numbers, a `_reverse` cell, bias, projection or peephole that only some cells
    ///   have, and an empty dictionary); `wrongShape` for a tensor whose shape (or rank)
    ///   does not fit the inferred configuration; `unexpectedTensor` for an unknown name;
    ///   `inconsistent` when `weight_ih_l0`, `weight_hh_l0` or `weight_hr_l0` cannot define
    ///   a size (wrong rank, H = 0, rows not a multiple of 4, projection not smaller than H).
    public init(stateDict: [String: Tensor]) throws {
        let configuration = try Self.inferConfiguration(from: stateDict)
        var layers: [[LayerWeights]] = []
        for layer in 0..<configuration.layerCount {
            var directions: [LayerWeights] = []
            for direction in 0..<configuration.directionCount {
                var arrays: [String: [Float]] = [:]
                for (kind, shape) in Self.expectedShapes(layer: layer, configuration) {
                    let name = Self.tensorName(kind, layer: layer, direction: direction)
                    guard let tensor = stateDict[name] else { throw ModelError.missingTensor(name: name) }
                    guard tensor.shape == shape else {
                        throw ModelError.wrongShape(name: name, shape: tensor.shape, expected: shape)
                    }
                    arrays[kind] = tensor.values
                }
                directions.append(LayerWeights(arraysByKind: arrays))
            }
            layers.append(directions)
        }
        try self.init(configuration: configuration, layers: layers)
    }

    /// The model's tensors under their `nn.LSTM` / `nn.GRU` state-dict names, shaped as PyTorch shapes
    /// them; the inverse of ``init(stateDict:)``.
    public func stateDict() -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (layer, directions) in layers.enumerated() {
            for (direction, weights) in directions.enumerated() {
                for (kind, shape) in Self.expectedShapes(layer: layer, configuration) {
                    guard let values = weights.values(of: kind) else { continue }
                    let name = Self.tensorName(kind, layer: layer, direction: direction)
                    result[name] = Tensor(values: values, validShape: shape)
                }
            }
        }
        return result
    }

    /// Reads the configuration from names and the three tensors that define sizes.
    /// Shapes of all other tensors are checked afterwards, against this configuration.
    static func inferConfiguration(from stateDict: [String: Tensor]) throws -> LSTMConfiguration {
        let firstInput = tensorName("weight_ih", layer: 0, direction: 0)
        guard !stateDict.isEmpty else { throw ModelError.missingTensor(name: firstInput) }
        var names: [StateDictName] = []
        for name in stateDict.keys.sorted() {
            guard let parsed = StateDictName(name) else { throw ModelError.unexpectedTensor(name: name) }
            names.append(parsed)
        }
        // A gap is reported before the layer count is formed, so `l9223372036854775807` cannot overflow it.
        let highestLayer = names.map(\.layer).max() ?? 0
        for layer in 0..<highestLayer {
            let name = tensorName("weight_ih", layer: layer, direction: 0)
            guard stateDict[name] != nil else { throw ModelError.missingTensor(name: name) }
        }
        let kinds = Set(names.map(\.kind))

        let recurrentName = tensorName("weight_hh", layer: 0, direction: 0)
        let recurrent = try sizeDefiningTensor(recurrentName, in: stateDict, form: "[gates·hidden_size, hidden_size or proj_size]")
        let gateRows = recurrent.shape[0]
        // Projection and peepholes exist only in LSTMs, whose weight_hh has P (not H) columns
        // with a projection: H is then a quarter of its rows. Otherwise H is its column count.
        let lstmOnly = kinds.contains("weight_hr") || kinds.contains("weight_peephole")
        let columns = recurrent.shape[1]
        let cell: CellKind
        let hiddenSize: Int
        if lstmOnly, gateRows > 0, gateRows % 4 == 0 {
            (cell, hiddenSize) = (.lstm, gateRows / 4)
        } else if !lstmOnly, columns > 0, gateRows == 4 * columns {
            (cell, hiddenSize) = (.lstm, columns)
        } else if !lstmOnly, columns > 0, gateRows == 3 * columns {
            (cell, hiddenSize) = (.gru, columns)
        } else {
            let forms = lstmOnly
                ? "[4·hidden_size, \(columns)] (an LSTM: it has weight_hr or weight_peephole; rows hold the gates i, f, g, o)"
                : "[4·\(columns), \(columns)] (LSTM: gates i, f, g, o) or [3·\(columns), \(columns)] (GRU: gates r, z, n), hidden_size \(columns) being its column count"
            throw ModelError.inconsistent("tensor '\(recurrentName)' has shape \(recurrent.shape), expected \(forms), with hidden_size ≥ 1")
        }

        var projectionSize = 0
        if kinds.contains("weight_hr") {
            let projectionName = tensorName("weight_hr", layer: 0, direction: 0)
            let projection = try sizeDefiningTensor(projectionName, in: stateDict, form: "[proj_size, hidden_size]")
            projectionSize = projection.shape[0]
            guard projectionSize > 0, projectionSize < hiddenSize else {
                throw ModelError.inconsistent("tensor '\(projectionName)' has shape \(projection.shape), expected [proj_size, \(hiddenSize)] with 1 ≤ proj_size < hidden_size (\(hiddenSize))")
            }
        }

        let input = try sizeDefiningTensor(firstInput, in: stateDict, form: "[gates·hidden_size, input_size]")
        guard input.shape[1] > 0 else {
            throw ModelError.inconsistent("tensor '\(firstInput)' has shape \(input.shape), expected [\(gateRows), input_size] with input_size ≥ 1")
        }

        return LSTMConfiguration(
            cell: cell, inputSize: input.shape[1], hiddenSize: hiddenSize, projectionSize: projectionSize,
            layerCount: highestLayer + 1, bidirectional: names.contains { $0.direction == 1 },
            hasBias: kinds.contains("bias_ih") || kinds.contains("bias_hh"),
            hasPeepholes: kinds.contains("weight_peephole"))
    }

    /// A tensor whose shape defines a size: it must exist and be a matrix.
    private static func sizeDefiningTensor(
        _ name: String, in stateDict: [String: Tensor], form: String
    ) throws -> Tensor {
        guard let tensor = stateDict[name] else { throw ModelError.missingTensor(name: name) }
        guard tensor.shape.count == 2 else {
            throw ModelError.inconsistent("tensor '\(name)' has shape \(tensor.shape) (rank \(tensor.shape.count)), expected rank 2 \(form)")
        }
        return tensor
    }
}

extension LayerWeights {
    /// Layer weights from arrays keyed by state-dict kind; absent optional kinds stay `nil`.
    init(arraysByKind arrays: [String: [Float]]) {
        self.init(
            inputWeights: arrays["weight_ih"] ?? [], recurrentWeights: arrays["weight_hh"] ?? [],
            inputBias: arrays["bias_ih"], recurrentBias: arrays["bias_hh"],
            projectionWeights: arrays["weight_hr"], peepholeWeights: arrays["weight_peephole"])
    }

    /// The array stored for a state-dict kind (`weight_ih`, `bias_hh`, ...), if any.
    func values(of kind: String) -> [Float]? {
        switch kind {
        case "weight_ih": return inputWeights
        case "weight_hh": return recurrentWeights
        case "bias_ih": return inputBias
        case "bias_hh": return recurrentBias
        case "weight_hr": return projectionWeights
        case "weight_peephole": return peepholeWeights
        default: return nil
        }
    }
}
