// Wall-clock timing of forward passes and the statistics reported from them.
import Foundation

/// Wall-clock samples of one operation, in milliseconds.
public struct TimingStatistics: Sendable, Equatable {
    /// Every timed run, in the order they ran.
    public private(set) var samples: [Double]

    /// Statistics over `samples` (milliseconds).
    public init(samples: [Double] = []) { self.samples = samples }

    /// Adds one sample.
    public mutating func record(_ milliseconds: Double) { samples.append(milliseconds) }

    /// The median sample (mean of the middle two for an even count); NaN with no samples.
    public var median: Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The fastest sample; NaN with no samples.
    public var minimum: Double { samples.min() ?? .nan }

    /// GFLOP/s for `flops` operations done in the median time.
    public func gigaflops(_ flops: Double) -> Double { flops / (median * 1e6) }
}

/// Runs `body` and returns its result with the elapsed wall-clock time in milliseconds
/// (monotonic clock).
public func measure<T>(_ body: () throws -> T) rethrows -> (value: T, milliseconds: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try body()
    let elapsed = clock.now - start
    let (seconds, attoseconds) = elapsed.components
    return (value, Double(seconds) * 1e3 + Double(attoseconds) / 1e15)
}
