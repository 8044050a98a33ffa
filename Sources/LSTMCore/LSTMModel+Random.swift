// Seeded random models for tests, verification and benchmarks.

extension LSTMModel {
    /// A model of the given configuration with every tensor (peepholes included) drawn
    /// uniformly from ±`scale`, by default ±1/√H as PyTorch's `nn.LSTM` initialises.
    ///
    /// The same configuration and seed give the same weights on every platform. Tensors are
    /// drawn layer by layer, forward before reverse, in the order of
    /// ``expectedShapes(layer:_:)``.
    ///
    /// - Throws: ``ModelError/invalidConfiguration(_:)`` for an unusable configuration or a
    ///   scale that is negative, NaN or too large for a `Float` range.
    public static func random(
        _ configuration: LSTMConfiguration, seed: UInt64, scale: Float? = nil
    ) throws -> LSTMModel {
        try configuration.validate()
        let bound = scale ?? 1 / Float(configuration.hiddenSize).squareRoot()
        guard bound >= 0, (2 * bound).isFinite else {
            throw ModelError.invalidConfiguration("random weight scale must be finite and non-negative, got \(bound)")
        }
        var generator = SeededGenerator(seed: seed)
        var layers: [[LayerWeights]] = []
        for layer in 0..<configuration.layerCount {
            var directions: [LayerWeights] = []
            for _ in 0..<configuration.directionCount {
                var arrays: [String: [Float]] = [:]
                for (kind, shape) in expectedShapes(layer: layer, configuration) {
                    arrays[kind] = generator.uniform(shape.reduce(1, *), in: -bound...bound)
                }
                directions.append(LayerWeights(arraysByKind: arrays))
            }
            layers.append(directions)
        }
        return try LSTMModel(configuration: configuration, layers: layers)
    }
}
