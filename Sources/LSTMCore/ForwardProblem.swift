// The normalised form of a forward pass that every backend consumes: time-major,
// explicit initial states and explicit lengths, already checked against the model.

/// A validated forward pass: time-major input, initial states and lengths all present.
public struct ForwardProblem: Sendable {
    public let configuration: LSTMConfiguration
    /// Timesteps T.
    public let steps: Int
    /// Sequences B.
    public let batch: Int
    /// [T, B, I] row-major.
    public let sequence: [Float]
    /// [D·L, B, H_out] row-major.
    public let initialHidden: [Float]
    /// [D·L, B, H] row-major; empty for a cell without a c state (GRU).
    public let initialCell: [Float]
    /// B values, each in 1...T.
    public let lengths: [Int]

    /// Checks `input` against `configuration` and brings it to time-major form.
    ///
    /// - Throws: ``ShapeError`` describing the first argument that does not fit.
    public init(_ input: LSTMInput, configuration: LSTMConfiguration) throws {
        let shape = input.sequence.shape
        guard shape.count == 3 else {
            throw ShapeError("input must have 3 dimensions \(input.batchFirst ? "[B, T, I]" : "[T, B, I]"), got shape \(shape)")
        }
        let steps = input.batchFirst ? shape[1] : shape[0]
        let batch = input.batchFirst ? shape[0] : shape[1]
        guard steps > 0, batch > 0 else {
            throw ShapeError("input needs at least one timestep and one sequence, got shape \(shape)")
        }
        guard shape[2] == configuration.inputSize else {
            throw ShapeError("input has \(shape[2]) features per step (shape \(shape)) but the model's input size is \(configuration.inputSize)")
        }
        let states = configuration.layerCount * configuration.directionCount
        let hiddenShape = [states, batch, configuration.outputSize]
        let cellShape = [states, batch, configuration.cellStateSize]
        if let hidden = input.initialHidden, hidden.shape != hiddenShape {
            throw ShapeError("h0 has shape \(hidden.shape), expected \(hiddenShape) ([layers·directions, batch, \(configuration.projectionSize > 0 ? "proj_size" : "hidden_size")])")
        }
        if input.initialCell != nil, !configuration.hasCellState {
            throw ShapeError("a \(configuration.cell) has no cell state: c0 is for LSTMs only")
        }
        if let cell = input.initialCell, cell.shape != cellShape {
            throw ShapeError("c0 has shape \(cell.shape), expected \(cellShape) ([layers·directions, batch, hidden_size])")
        }
        if let lengths = input.lengths {
            guard lengths.count == batch else {
                throw ShapeError("lengths has \(lengths.count) entries, expected one per sequence (\(batch))")
            }
            if let bad = lengths.firstIndex(where: { !(1...steps).contains($0) }) {
                throw ShapeError("lengths[\(bad)] = \(lengths[bad]) is outside 1...\(steps)")
            }
        }
        self.configuration = configuration
        self.steps = steps
        self.batch = batch
        self.sequence = input.batchFirst
            ? Self.swapLeadingAxes(input.sequence.values, shape[0], shape[1], shape[2])
            : input.sequence.values
        self.initialHidden = input.initialHidden?.values ?? Array(repeating: 0, count: hiddenShape.reduce(1, *))
        self.initialCell = input.initialCell?.values ?? Array(repeating: 0, count: cellShape.reduce(1, *))
        self.lengths = input.lengths ?? Array(repeating: steps, count: batch)
    }

    /// Memberwise form for backends and batch slicing; the caller guarantees consistent sizes.
    public init(
        configuration: LSTMConfiguration, steps: Int, batch: Int, sequence: [Float],
        initialHidden: [Float], initialCell: [Float], lengths: [Int]
    ) {
        self.configuration = configuration
        self.steps = steps
        self.batch = batch
        self.sequence = sequence
        self.initialHidden = initialHidden
        self.initialCell = initialCell
        self.lengths = lengths
    }

    /// Whether every sequence runs all T steps.
    public var hasFullLengths: Bool { lengths.allSatisfy { $0 == steps } }

    /// Turns [A, B, C] into [B, A, C].
    public static func swapLeadingAxes(_ values: [Float], _ a: Int, _ b: Int, _ c: Int) -> [Float] {
        var result = [Float](repeating: 0, count: values.count)
        for i in 0..<a {
            for j in 0..<b {
                let source = (i * b + j) * c
                let target = (j * a + i) * c
                for k in 0..<c { result[target + k] = values[source + k] }
            }
        }
        return result
    }
}

/// A backend's answer to a ``ForwardProblem``, time-major.
public struct ForwardResult: Sendable {
    /// [T, B, D·H_out].
    public var output: [Float]
    /// [D·L, B, H_out].
    public var finalHidden: [Float]
    /// [D·L, B, H]; empty for a cell without a c state (GRU).
    public var finalCell: [Float]

    public init(output: [Float], finalHidden: [Float], finalCell: [Float]) {
        self.output = output
        self.finalHidden = finalHidden
        self.finalCell = finalCell
    }

    /// Shapes the result as ``LSTMOutput``, batch-first if asked.
    public func shaped(for problem: ForwardProblem, batchFirst: Bool) throws -> LSTMOutput {
        let configuration = problem.configuration
        let width = configuration.directionCount * configuration.outputSize
        let states = configuration.layerCount * configuration.directionCount
        let output = batchFirst
            ? try Tensor(shape: [problem.batch, problem.steps, width],
                         values: ForwardProblem.swapLeadingAxes(self.output, problem.steps, problem.batch, width))
            : try Tensor(shape: [problem.steps, problem.batch, width], values: self.output)
        return LSTMOutput(
            output: output,
            finalHidden: try Tensor(shape: [states, problem.batch, configuration.outputSize], values: finalHidden),
            finalCell: configuration.hasCellState
                ? try Tensor(shape: [states, problem.batch, configuration.hiddenSize], values: finalCell) : nil
        )
    }
}
