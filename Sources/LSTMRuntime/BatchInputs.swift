// The inputs of a batched pass held so that any batch slice's problem can be cut out of
// them: the sequence (time-major or batch-first, in memory or mapped), optional initial
// states and the lengths. Checked against the model once, like ForwardProblem's initialiser.

/// A batch's inputs, from which ``BatchSlice`` problems are gathered on demand.
public final class BatchInputs: BatchSource, @unchecked Sendable {
    // @unchecked: every stored property is immutable; mapped files are read-only.
    public let configuration: LSTMConfiguration
    /// Timesteps T of the whole batch.
    public let steps: Int
    /// Sequences B of the whole batch.
    public let batch: Int
    /// B values, each in 1...T.
    public let lengths: [Int]
    /// Whether `sequence` is [B, T, I] rather than [T, B, I].
    public let batchFirst: Bool
    private let sequence: FloatStore
    private let initialHidden: FloatStore?
    private let initialCell: FloatStore?
    /// Whether to hand mapped pages back once a slice is gathered (each sequence is read once).
    private let releasesConsumedPages: Bool

    /// Checks the inputs against `configuration`, with ``ForwardProblem/init(_:configuration:)``'s
    /// messages.
    ///
    /// - Parameters:
    ///   - shape: the sequence's shape, [T, B, I] or [B, T, I] with `batchFirst`.
    ///   - initialHidden, initialCell: each with its shape, or `nil` for zeros.
    /// - Throws: ``ShapeError`` for the first input that does not fit.
    public init(
        configuration: LSTMConfiguration, sequence: FloatStore, shape: [Int], batchFirst: Bool,
        initialHidden: (store: FloatStore, shape: [Int])? = nil, initialCell: (store: FloatStore, shape: [Int])? = nil,
        lengths: [Int]? = nil
    ) throws {
        guard shape.count == 3 else {
            throw ShapeError("input must have 3 dimensions \(batchFirst ? "[B, T, I]" : "[T, B, I]"), got shape \(shape)")
        }
        let steps = batchFirst ? shape[1] : shape[0]
        let batch = batchFirst ? shape[0] : shape[1]
        guard steps > 0, batch > 0 else {
            throw ShapeError("input needs at least one timestep and one sequence, got shape \(shape)")
        }
        guard shape[2] == configuration.inputSize else {
            throw ShapeError("input has \(shape[2]) features per step (shape \(shape)) but the model's input size is \(configuration.inputSize)")
        }
        let states = configuration.layerCount * configuration.directionCount
        let hiddenShape = [states, batch, configuration.outputSize]
        let cellShape = [states, batch, configuration.cellStateSize]
        if let hidden = initialHidden, hidden.shape != hiddenShape {
            throw ShapeError("h0 has shape \(hidden.shape), expected \(hiddenShape) ([layers·directions, batch, \(configuration.projectionSize > 0 ? "proj_size" : "hidden_size")])")
        }
        if initialCell != nil, !configuration.hasCellState {
            throw ShapeError("a \(configuration.cell) has no cell state: c0 is for LSTMs only")
        }
        if let cell = initialCell, cell.shape != cellShape {
            throw ShapeError("c0 has shape \(cell.shape), expected \(cellShape) ([layers·directions, batch, hidden_size])")
        }
        if let lengths {
            guard lengths.count == batch else {
                throw ShapeError("lengths has \(lengths.count) entries, expected one per sequence (\(batch))")
            }
            if let bad = lengths.firstIndex(where: { !(1...steps).contains($0) }) {
                throw ShapeError("lengths[\(bad)] = \(lengths[bad]) is outside 1...\(steps)")
            }
        }
        guard sequence.count == shape.reduce(1, *) else {
            throw ShapeError("input holds \(sequence.count) values, expected \(shape)")
        }
        self.configuration = configuration
        self.steps = steps
        self.batch = batch
        self.batchFirst = batchFirst
        self.sequence = sequence
        self.initialHidden = initialHidden?.store
        self.initialCell = initialCell?.store
        self.lengths = lengths ?? Array(repeating: steps, count: batch)
        if case .mapped = sequence { releasesConsumedPages = true } else { releasesConsumedPages = false }
    }

    /// The inputs of a prepared problem (time-major, states present).
    public convenience init(_ problem: ForwardProblem) throws {
        let configuration = problem.configuration
        let states = configuration.layerCount * configuration.directionCount
        try self.init(
            configuration: configuration, sequence: .memory(problem.sequence),
            shape: [problem.steps, problem.batch, configuration.inputSize], batchFirst: false,
            initialHidden: (.memory(problem.initialHidden), [states, problem.batch, configuration.outputSize]),
            initialCell: configuration.hasCellState
                ? (.memory(problem.initialCell), [states, problem.batch, configuration.cellStateSize]) : nil,
            lengths: problem.lengths)
    }

    /// Whether some sequence is shorter than T.
    public var hasShortSequences: Bool { lengths.contains { $0 != steps } }

    /// The time-major problem of `slice`'s sequences over its `steps` steps.
    public func problem(for slice: BatchSlice) throws -> ForwardProblem {
        let runs = slice.runs
        let count = slice.sequences.count
        let inputSize = configuration.inputSize
        let states = configuration.layerCount * configuration.directionCount
        let sliceSteps = min(slice.steps, steps)
        let input: [Float]
        if batchFirst {
            // [B, T, I]: each sequence's first sliceSteps steps are contiguous.
            var perSequence: [Float] = []
            perSequence.reserveCapacity(count * sliceSteps * inputSize)
            for run in runs {
                for sequenceIndex in run {
                    let start = sequenceIndex * steps * inputSize
                    let range = start..<(start + sliceSteps * inputSize)
                    sequence.append(range, to: &perSequence)
                    if releasesConsumedPages { sequence.release(start..<(start + steps * inputSize)) }
                }
            }
            input = ForwardProblem.swapLeadingAxes(perSequence, count, sliceSteps, inputSize)
        } else {
            input = sequence.gather(
                outerCount: sliceSteps, batch: batch, width: inputSize, runs: runs, releasing: releasesConsumedPages)
        }
        let hidden = initialHidden?.gather(outerCount: states, batch: batch, width: configuration.outputSize, runs: runs, releasing: false)
            ?? Array(repeating: 0, count: states * count * configuration.outputSize)
        let cell = initialCell?.gather(outerCount: states, batch: batch, width: configuration.cellStateSize, runs: runs, releasing: false)
            ?? Array(repeating: 0, count: states * count * configuration.cellStateSize)
        return ForwardProblem(
            configuration: configuration, steps: sliceSteps, batch: count, sequence: input,
            initialHidden: hidden, initialCell: cell, lengths: slice.sequences.map { lengths[$0] })
    }
}
