// Streaming latency: feeding one frame at a time through a StreamingSession, against the
// per-step time of one pass over the whole sequence on the same engine. The streamed output
// is checked bitwise against that pass before anything is reported (validate, then time).
import LSTMRuntime

/// One workload's streaming latency on one device.
public struct StreamLatencyResult: Sendable, Encodable {
    public var workload: String
    public var device: String
    public var cell: String
    public var batch: Int
    public var steps: Int
    /// Median wall-clock time of a one-frame feed, ms.
    public var frameMedianMilliseconds: Double
    /// 99th percentile of the one-frame feeds, ms.
    public var frameP99Milliseconds: Double
    /// Median time of one pass over all T steps, divided by T, ms.
    public var perStepMilliseconds: Double
    /// Whether the frames streamed were bitwise the one pass's output.
    public var bitwiseEqual: Bool

    /// frame median / per-step time of the one-shot pass (the target is at most 1.5).
    public var ratio: Double { frameMedianMilliseconds / perStepMilliseconds }

    enum CodingKeys: String, CodingKey {
        case workload, device, cell, batch, steps, ratio
        case frameMedianMilliseconds = "frame_median_ms", frameP99Milliseconds = "frame_p99_ms"
        case perStepMilliseconds = "one_shot_per_step_ms", bitwiseEqual = "bitwise_equal"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(workload, forKey: .workload)
        try container.encode(device, forKey: .device)
        try container.encode(cell, forKey: .cell)
        try container.encode(batch, forKey: .batch)
        try container.encode(steps, forKey: .steps)
        try container.encode(frameMedianMilliseconds, forKey: .frameMedianMilliseconds)
        try container.encode(frameP99Milliseconds, forKey: .frameP99Milliseconds)
        try container.encode(perStepMilliseconds, forKey: .perStepMilliseconds)
        try container.encode(ratio, forKey: .ratio)
        try container.encode(bitwiseEqual, forKey: .bitwiseEqual)
    }
}

/// Times one-frame feeds against one-shot passes.
public struct StreamLatencyBenchmark: Sendable {
    public let settings: BenchmarkSettings

    public init(settings: BenchmarkSettings) { self.settings = settings }

    /// Runs `workload` (one direction) on `selection`: `settings.repeats` one-shot passes and
    /// as many rounds of T one-frame feeds, after `settings.warmup` of each.
    public func run(_ workload: Workload, on selection: DeviceSelection) throws -> StreamLatencyResult {
        let configuration = workload.configuration
        let engine = try LSTMEngine(
            model: try workload.model(), device: selection,
            options: EngineOptions(weightPrecision: settings.weightPrecision, notice: { _ in }))
        let problem = try workload.problem()
        let frame = workload.batch * configuration.inputSize
        let frames = try (0..<workload.steps).map { step in
            try Tensor(shape: [1, workload.batch, configuration.inputSize],
                       values: Array(problem.sequence[(step * frame)..<((step + 1) * frame)]))
        }
        let states = configuration.layerCount
        let hidden = try Tensor(shape: [states, workload.batch, configuration.outputSize], values: problem.initialHidden)
        let cell = configuration.hasCellState
            ? try Tensor(shape: [states, workload.batch, configuration.hiddenSize], values: problem.initialCell) : nil

        var oneShot = TimingStatistics()
        var expected: [Float] = []
        for pass in 0..<(settings.warmup + settings.repeats) {
            let (result, milliseconds) = try measure { try engine.run(problem) }
            if pass >= settings.warmup { oneShot.record(milliseconds) }
            expected = result.output
        }
        var feeds = TimingStatistics()
        var bitwiseEqual = true
        for round in 0..<(settings.warmup + settings.repeats) {
            let session = try StreamingSession(engine: engine, batch: workload.batch, initialHidden: hidden, initialCell: cell)
            var streamed: [Float] = []
            streamed.reserveCapacity(expected.count)
            for frame in frames {
                let (output, milliseconds) = try measure { try session.feed(frame) }
                if round >= settings.warmup { feeds.record(milliseconds) }
                streamed += output.values
            }
            bitwiseEqual = bitwiseEqual && streamed.map(\.bitPattern) == expected.map(\.bitPattern)
        }
        let sorted = feeds.samples.sorted()
        let p99 = sorted.isEmpty ? Double.nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
        return StreamLatencyResult(
            workload: workload.name, device: engine.backendName, cell: configuration.cell.rawValue, batch: workload.batch,
            steps: workload.steps, frameMedianMilliseconds: feeds.median, frameP99Milliseconds: p99,
            perStepMilliseconds: oneShot.median / Double(workload.steps), bitwiseEqual: bitwiseEqual)
    }
}
