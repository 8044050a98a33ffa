// One row of a benchmark report: a workload timed on one device, with its error against
// the reference. Encodes to the JSON object `lstm bench --json` prints.
import LSTMRuntime

/// The timing and accuracy of one workload on one device.
public struct BenchmarkResult: Sendable, Encodable {
    /// The workload's label.
    public var workload: String
    /// The backend, e.g. `cpu-reference` or `opencl:0 (pthread-haswell)`.
    public var device: String
    /// The workload's model shape.
    public var configuration: LSTMConfiguration
    /// Sequences B.
    public var batch: Int
    /// Timesteps T.
    public var steps: Int
    /// Weight storage precision (`f32` or `f16`; the CPU reference always computes from fp32).
    public var weightPrecision: String
    /// Median wall-clock time of one forward pass, in milliseconds.
    public var medianMilliseconds: Double
    /// Fastest pass, in milliseconds.
    public var minimumMilliseconds: Double
    /// FLOPs of the workload divided by the median time.
    public var gigaflops: Double
    /// Largest `|device − reference|` over output, h_n and c_n.
    public var maxAbsoluteError: Double
    /// Whether every element is within the tolerance for the precision.
    public var withinTolerance: Bool
    /// Timed passes behind the median.
    public var runs: Int
    /// The kernel tuning used, for OpenCL devices.
    public var tuning: String?
    /// The kernel family (`cpu` or `gpu`), or ``referenceKernels`` for the CPU reference.
    public var kernels: String
    /// Why fewer runs were timed than asked for, or what failed.
    public var note: String?
    /// Set when the device could not run the workload; the numbers are then NaN.
    public var failed: Bool

    /// ``kernels`` of the CPU reference, which runs no OpenCL kernels.
    public static let referenceKernels = "reference"

    enum CodingKeys: String, CodingKey {
        case workload, device, cell, batch, steps, runs, tuning, note, failed, kernels
        case inputSize = "input_size", hiddenSize = "hidden_size", projectionSize = "proj_size"
        case layers, bidirectional, peepholes, bias
        case weightPrecision = "weight_precision"
        case medianMilliseconds = "median_ms", minimumMilliseconds = "min_ms", gigaflops = "gflops"
        case maxAbsoluteError = "max_abs_error", withinTolerance = "within_tolerance"
    }

    /// Writes the flat JSON object; NaN and infinite numbers become `null`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(workload, forKey: .workload)
        try container.encode(device, forKey: .device)
        try container.encode(kernels, forKey: .kernels)
        try container.encode(configuration.cell.rawValue, forKey: .cell)
        try container.encode(configuration.inputSize, forKey: .inputSize)
        try container.encode(configuration.hiddenSize, forKey: .hiddenSize)
        try container.encode(configuration.projectionSize, forKey: .projectionSize)
        try container.encode(configuration.layerCount, forKey: .layers)
        try container.encode(configuration.bidirectional, forKey: .bidirectional)
        try container.encode(configuration.hasPeepholes, forKey: .peepholes)
        try container.encode(configuration.hasBias, forKey: .bias)
        try container.encode(batch, forKey: .batch)
        try container.encode(steps, forKey: .steps)
        try container.encode(weightPrecision, forKey: .weightPrecision)
        for (value, key) in [(medianMilliseconds, CodingKeys.medianMilliseconds), (minimumMilliseconds, .minimumMilliseconds),
                             (gigaflops, .gigaflops), (maxAbsoluteError, .maxAbsoluteError)] {
            if value.isFinite { try container.encode(value, forKey: key) } else { try container.encodeNil(forKey: key) }
        }
        try container.encode(withinTolerance, forKey: .withinTolerance)
        try container.encode(runs, forKey: .runs)
        try container.encodeIfPresent(tuning, forKey: .tuning)
        try container.encodeIfPresent(note, forKey: .note)
        try container.encode(failed, forKey: .failed)
    }
}
