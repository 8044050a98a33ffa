// A small deterministic random number generator for tests, verification and benchmarks.

/// SplitMix64: a fast, seedable generator whose sequence is the same on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` values drawn uniformly from `range`.
    public mutating func uniform(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }

    /// A tensor of the given shape with values drawn uniformly from `range`.
    public mutating func tensor(_ shape: [Int], in range: ClosedRange<Float> = -1...1) -> Tensor {
        Tensor(values: uniform(shape.reduce(1, *), in: range), validShape: shape)
    }
}

extension Tensor {
    /// Internal initialiser for shapes already known to match the value count.
    init(values: [Float], validShape: [Int]) {
        self = (try? Tensor(shape: validShape, values: values)) ?? Tensor(repeating: 0, shape: validShape)
    }
}
