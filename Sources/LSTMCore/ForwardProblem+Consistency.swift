// A check that a ForwardProblem built with the memberwise initialiser (by a backend or by
// batch slicing) has arrays that match its sizes, so a backend can refuse it instead of trapping.

extension ForwardProblem {
    /// Checks that every array has the length the sizes imply and every length is in 1...T.
    ///
    /// Problems made by ``init(_:configuration:)`` or ``slice(sequences:)`` always pass.
    ///
    /// - Throws: ``ShapeError`` naming the first array that does not fit.
    public func checkConsistency() throws {
        guard steps >= 0, batch >= 0 else {
            throw ShapeError("problem has \(steps) steps and \(batch) sequences; neither may be negative")
        }
        let states = configuration.layerCount * configuration.directionCount
        let expected: [(name: String, count: Int, shape: [Int])] = [
            ("sequence", sequence.count, [steps, batch, configuration.inputSize]),
            ("initial hidden state", initialHidden.count, [states, batch, configuration.outputSize]),
            ("initial cell state", initialCell.count, [states, batch, configuration.cellStateSize]),
        ]
        for (name, count, shape) in expected {
            guard let needed = Tensor.elementCount(of: shape), needed == count else {
                throw ShapeError("problem \(name) has \(count) values, expected \(shape)")
            }
        }
        guard lengths.count == batch else {
            throw ShapeError("problem has \(lengths.count) lengths, expected one per sequence (\(batch))")
        }
        if let bad = lengths.firstIndex(where: { $0 < 1 || $0 > steps }) {
            throw ShapeError("problem lengths[\(bad)] = \(lengths[bad]) is outside 1...\(steps)")
        }
    }
}

extension ForwardProblem {
    /// What every backend checks before running: the problem was prepared for `configuration`,
    /// has at least one step and one sequence, and its arrays match its sizes.
    ///
    /// - Throws: ``ShapeError`` describing the first mismatch.
    public func validate(for configuration: LSTMConfiguration) throws {
        guard self.configuration == configuration else {
            throw ShapeError("problem was prepared for \(self.configuration), model is \(configuration)")
        }
        guard steps >= 1, batch >= 1 else {
            throw ShapeError("problem needs at least one step and one sequence, got \(steps) steps and \(batch) sequences")
        }
        try checkConsistency()
    }
}
