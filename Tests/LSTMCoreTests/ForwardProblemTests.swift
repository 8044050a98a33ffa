// ForwardProblem: validation of what a caller hands in, the consistency check for
// memberwise problems, and batch slices (sub-batches) with bitwise-identical results.
import LSTMTestSupport
import Testing
import LSTMCore

private let configuration = LSTMConfiguration(
    inputSize: 3, hiddenSize: 5, projectionSize: 2, layerCount: 2, bidirectional: true, hasPeepholes: true)

/// The ShapeError message `input` produces, or nil when it is accepted.
private func validationMessage(_ input: LSTMInput) -> String? {
    do {
        _ = try ForwardProblem(input, configuration: configuration)
        return nil
    } catch let error as ShapeError {
        return error.description
    } catch {
        return "unexpected error type: \(error)"
    }
}

@Suite("ForwardProblem validation and batch slices")
struct ForwardProblemTests {
    // MARK: - Validation

    @Test func acceptsWellFormedInputAndFillsDefaults() throws {
        let input = SeededInputs.input(configuration, steps: 4, batch: 3, seed: 1, withStates: false)
        let problem = try ForwardProblem(input, configuration: configuration)
        #expect(problem.steps == 4 && problem.batch == 3)
        #expect(problem.lengths == [4, 4, 4] && problem.hasFullLengths)
        #expect(problem.initialHidden == Array(repeating: 0, count: 4 * 3 * 2))
        #expect(problem.initialCell == Array(repeating: 0, count: 4 * 3 * 5))
        try problem.checkConsistency()
    }

    @Test func batchFirstInputIsTransposedToTimeMajor() throws {
        let input = SeededInputs.input(configuration, steps: 4, batch: 3, seed: 2, batchFirst: true)
        let problem = try ForwardProblem(input, configuration: configuration)
        for t in 0..<4 {
            for b in 0..<3 {
                for k in 0..<3 {
                    #expect(problem.sequence[(t * 3 + b) * 3 + k] == input.sequence.values[(b * 4 + t) * 3 + k])
                }
            }
        }
    }

    @Test(arguments: [[4, 3], [4, 3, 3, 1], [4]])
    func rejectsRankOtherThanThree(shape: [Int]) throws {
        var generator = SeededGenerator(seed: 3)
        let message = validationMessage(LSTMInput(sequence: generator.tensor(shape)))
        #expect(message?.contains("3 dimensions") == true, "\(message ?? "accepted")")
    }

    @Test func rejectsWrongFeatureCount() {
        var generator = SeededGenerator(seed: 4)
        let message = validationMessage(LSTMInput(sequence: generator.tensor([4, 2, 5])))
        #expect(message?.contains("5 features") == true, "\(message ?? "accepted")")
    }

    @Test func rejectsEmptyTimeOrBatch() {
        let message = validationMessage(LSTMInput(sequence: Tensor(repeating: 0, shape: [0, 2, 3])))
        #expect(message?.contains("at least one timestep") == true, "\(message ?? "accepted")")
    }

    @Test(arguments: [[4, 2, 2], [4, 3, 5], [2, 3, 2], [4, 3, 2, 1]])
    func rejectsWrongInitialHiddenShape(shape: [Int]) {
        var input = SeededInputs.input(configuration, steps: 4, batch: 3, seed: 5)
        var generator = SeededGenerator(seed: 6)
        input.initialHidden = generator.tensor(shape)
        let message = validationMessage(input)
        #expect(message?.contains("h0 has shape \(shape)") == true, "\(message ?? "accepted")")
    }

    @Test func rejectsWrongInitialCellShape() {
        var input = SeededInputs.input(configuration, steps: 4, batch: 3, seed: 7)
        var generator = SeededGenerator(seed: 8)
        input.initialCell = generator.tensor([4, 3, 2])  // proj_size instead of hidden_size
        let message = validationMessage(input)
        #expect(message?.contains("c0 has shape [4, 3, 2]") == true, "\(message ?? "accepted")")
    }

    @Test(arguments: [[4, 0, 2], [4, 5, 2], [-1, 2, 2], [4, 2]])
    func rejectsBadLengths(lengths: [Int]) {
        let input = SeededInputs.input(configuration, steps: 4, batch: 3, seed: 9, lengths: lengths)
        let message = validationMessage(input)
        let expected = lengths.count == 3 ? "outside 1...4" : "lengths has 2 entries"
        #expect(message?.contains(expected) == true, "\(message ?? "accepted")")
    }

    // MARK: - Consistency of memberwise problems

    @Test func memberwiseProblemWithShortArraysIsRefusedNotTrapped() throws {
        let good = try ForwardProblem(SeededInputs.input(configuration, steps: 3, batch: 2, seed: 10), configuration: configuration)
        let model = try LSTMModel.random(configuration, seed: 11)
        let broken: [ForwardProblem] = [
            ForwardProblem(configuration: configuration, steps: 3, batch: 2, sequence: Array(good.sequence.dropLast()),
                           initialHidden: good.initialHidden, initialCell: good.initialCell, lengths: good.lengths),
            ForwardProblem(configuration: configuration, steps: 3, batch: 2, sequence: good.sequence,
                           initialHidden: [], initialCell: good.initialCell, lengths: good.lengths),
            ForwardProblem(configuration: configuration, steps: 3, batch: 2, sequence: good.sequence,
                           initialHidden: good.initialHidden, initialCell: good.initialHidden, lengths: good.lengths),
            ForwardProblem(configuration: configuration, steps: 3, batch: 2, sequence: good.sequence,
                           initialHidden: good.initialHidden, initialCell: good.initialCell, lengths: [3]),
            ForwardProblem(configuration: configuration, steps: 3, batch: 2, sequence: good.sequence,
                           initialHidden: good.initialHidden, initialCell: good.initialCell, lengths: [3, 4]),
            ForwardProblem(configuration: configuration, steps: 3, batch: 2, sequence: good.sequence,
                           initialHidden: good.initialHidden, initialCell: good.initialCell, lengths: [0, 3]),
        ]
        for problem in broken {
            #expect(throws: ShapeError.self) { try problem.checkConsistency() }
            #expect(throws: ShapeError.self) { try CPUReference(model: model).run(problem) }
        }
    }

    // MARK: - Batch slices

    @Test(arguments: [1, 2, 3])
    func slicedRunMergesToTheWholeRunBitwise(sequencesPerSlice: Int) throws {
        let batch = 7
        let model = try LSTMModel.random(configuration, seed: 12)
        let lengths = SeededInputs.unsortedLengths(steps: 5, batch: batch, seed: 13)
        let problem = try ForwardProblem(
            SeededInputs.input(configuration, steps: 5, batch: batch, seed: 14, lengths: lengths), configuration: configuration)
        let backend = CPUReference(model: model)
        let whole = try backend.run(problem)

        var parts: [(range: Range<Int>, result: ForwardResult)] = []
        for start in stride(from: 0, to: batch, by: sequencesPerSlice) {
            let range = start..<min(start + sequencesPerSlice, batch)
            let slice = problem.slice(sequences: range)
            #expect(slice.batch == range.count && slice.lengths == Array(lengths[range]))
            try slice.checkConsistency()
            parts.append((range, try backend.run(slice)))
        }
        // Order of parts does not matter.
        let merged = ForwardProblem.merging(Array(parts.reversed()), for: problem)
        #expect(merged.output == whole.output)
        #expect(merged.finalHidden == whole.finalHidden)
        #expect(merged.finalCell == whole.finalCell)
    }

    @Test func sliceTakesTheRightSequences() throws {
        let problem = try ForwardProblem(SeededInputs.input(configuration, steps: 3, batch: 4, seed: 15), configuration: configuration)
        let slice = problem.slice(sequences: 1..<3)
        let states = configuration.layerCount * configuration.directionCount
        for t in 0..<3 {
            for b in 0..<2 {
                let source = (t * 4 + b + 1) * 3
                #expect(slice.sequence[(t * 2 + b) * 3..<(t * 2 + b + 1) * 3] == problem.sequence[source..<source + 3])
            }
        }
        for s in 0..<states {
            let source = (s * 4 + 1) * configuration.hiddenSize
            #expect(slice.initialCell[s * 2 * 5..<(s + 1) * 2 * 5] == problem.initialCell[source..<source + 2 * 5])
            let hiddenSource = (s * 4 + 1) * configuration.outputSize
            #expect(slice.initialHidden[s * 2 * 2..<(s + 1) * 2 * 2] == problem.initialHidden[hiddenSource..<hiddenSource + 2 * 2])
        }
        // Out-of-range requests are clamped, never trapped.
        #expect(problem.slice(sequences: 2..<10).batch == 2)
        #expect(problem.slice(sequences: 9..<12).batch == 0)
    }

    @Test func uncoveredSequencesMergeAsNaN() throws {
        let model = try LSTMModel.random(configuration, seed: 16)
        let problem = try ForwardProblem(SeededInputs.input(configuration, steps: 2, batch: 3, seed: 17), configuration: configuration)
        let backend = CPUReference(model: model)
        let merged = ForwardProblem.merging(
            [(0..<1, try backend.run(problem.slice(sequences: 0..<1))), (2..<3, try backend.run(problem.slice(sequences: 2..<3)))],
            for: problem)
        let whole = try backend.run(problem)
        let width = configuration.directionCount * configuration.outputSize
        for t in 0..<2 {
            for b in 0..<3 {
                let values = merged.output[(t * 3 + b) * width..<(t * 3 + b + 1) * width]
                let expected = whole.output[(t * 3 + b) * width..<(t * 3 + b + 1) * width]
                if b == 1 {
                    #expect(values.allSatisfy { $0.isNaN })
                } else {
                    #expect(values == expected)
                }
            }
        }
        #expect(merged.finalCell.filter { $0.isNaN }.count == 4 * configuration.hiddenSize)
    }
}
