// Sizing and planning a batched run: how many sequences a batch slice may hold so that the
// slices in flight fit a memory budget, and the plan of slices over a range of sequences.
import Foundation

/// How a batched run cuts its work.
public struct BatchRunOptions: Sendable {
    /// Host bytes the slices in flight, and the device buffers of every engine, may take
    /// together (on CPU OpenCL devices device buffers are host memory). Default 1 GiB.
    public var memoryBudget: Int
    /// The most sequences per slice whatever the budget; `nil` for no cap beyond the budget.
    public var sequencesPerSlice: Int?
    /// Group sequences by length so short ones do not run padded steps (only when some
    /// length is below T; results are bitwise the same either way).
    public var groupsByLength: Bool
    /// The per-step cost of a slice, in sequences, that length grouping weighs against
    /// padded work (see ``BatchSlicing/stepOverheadSequences``).
    public var stepOverheadSequences = BatchSlicing.stepOverheadSequences

    /// The default budget: 1 GiB.
    public static let defaultMemoryBudget = 1 << 30

    /// The budget for an explicit cap: the cap, else `LSTM_DEVICE_MEMORY_LIMIT`, else 1 GiB.
    ///
    /// - Throws: ``RuntimeError/invalidMemoryLimit(_:)`` for an unreadable variable.
    public static func memoryBudget(limit: Int?) throws -> Int {
        if let limit { return limit }
        guard let text = ProcessInfo.processInfo.environment[EngineOptions.memoryLimitVariable], !text.isEmpty else {
            return defaultMemoryBudget
        }
        guard let bytes = EngineOptions.parseByteCount(text) else { throw RuntimeError.invalidMemoryLimit(text) }
        return bytes
    }

    public init(memoryBudget: Int = BatchRunOptions.defaultMemoryBudget, sequencesPerSlice: Int? = nil, groupsByLength: Bool = true) {
        self.memoryBudget = memoryBudget
        self.sequencesPerSlice = sequencesPerSlice
        self.groupsByLength = groupsByLength
    }
}

/// Plans batched runs and runs them in memory.
public enum BatchRun {
    /// Sequences per slice that keep `scheduler`'s slices in flight, and one workspace per
    /// engine, within three quarters of the budget (the rest covers the process itself).
    /// At least one; a slice never holds more than the batch.
    public static func sequencesPerSlice(
        configuration: LSTMConfiguration, steps: Int, batch: Int, scheduler: BatchScheduler, options: BatchRunOptions
    ) -> Int {
        let floats = MemoryLayout<Float>.size
        let states = configuration.layerCount * configuration.directionCount
        let hostPerSequence = floats * (
            steps * configuration.inputSize
                + 2 * steps * configuration.directionCount * configuration.outputSize  // result, and its copy being written
                + 2 * states * (configuration.outputSize + configuration.cellStateSize))
        let probe = max(1, min(batch, 64))
        let devicePerSequence = scheduler.engines
            .map { ($0.deviceBytes(steps: steps, batch: probe) ?? hostPerSequence * probe) / probe }
            .reduce(0, +)
        let perSequence = max(1, hostPerSequence * scheduler.slicesInFlight + devicePerSequence)
        let fitting = max(1, options.memoryBudget / 4 * 3 / perSequence)
        // Slices of at least ~256 sequences keep per-slice costs small, but at most about an
        // eighth of the batch each so reading, computing and writing overlap.
        let overlapping = max(256, (batch + 7) / 8)
        var size = min(fitting, overlapping, batch)
        if let cap = options.sequencesPerSlice { size = min(size, max(1, cap)) }
        return max(1, size)
    }

    /// The slices over `range` of `inputs`' batch.
    public static func plan(
        _ inputs: BatchInputs, range: Range<Int>, scheduler: BatchScheduler, options: BatchRunOptions
    ) -> [BatchSlice] {
        let limit = sequencesPerSlice(
            configuration: inputs.configuration, steps: inputs.steps, batch: range.count, scheduler: scheduler,
            options: options)
        if options.groupsByLength && inputs.hasShortSequences {
            return BatchSlicing.groupedByLength(
                range, lengths: inputs.lengths, steps: inputs.steps, limit: limit, stepOverhead: options.stepOverheadSequences)
        }
        return BatchSlicing.contiguous(range, steps: inputs.steps, limit: limit)
    }

    /// Runs `problem` over `engines` in batch slices (grouped by length, split over the
    /// engines) and assembles the result in memory: bitwise what one engine's
    /// ``LSTMEngine/run(_:)`` of the whole problem gives on a device of the same kind.
    ///
    /// - Parameter sequences: the sequences to run (default all); the result holds just
    ///   those, in order.
    public static func run(
        _ problem: ForwardProblem, engines: [LSTMEngine], sequences: Range<Int>? = nil,
        options: BatchRunOptions = .init(), progress: ((Int) -> Void)? = nil
    ) throws -> ForwardResult {
        let range = (sequences ?? 0..<problem.batch).clamped(to: 0..<problem.batch)
        let inputs = try BatchInputs(problem)
        let scheduler = BatchScheduler(engines: engines)
        let slices = plan(inputs, range: range, scheduler: scheduler, options: options)
        let assembler = ResultAssembler(
            configuration: problem.configuration, steps: problem.steps, batch: range.count, firstSequence: range.lowerBound)
        try scheduler.run(slices, source: inputs, sink: assembler, progress: progress)
        return assembler.result
    }
}
