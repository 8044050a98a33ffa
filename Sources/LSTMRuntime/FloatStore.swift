// Where the floats of a batched input live: in memory, or in a memory-mapped .npy file that
// is read a batch slice at a time.

/// A flat float array in memory or in a mapped file, read by element ranges.
public enum FloatStore: Sendable {
    /// Values held in memory.
    case memory([Float])
    /// A memory-mapped float `.npy` array in C order.
    case mapped(MappedNumpyArray)

    /// Number of elements.
    public var count: Int {
        switch self {
        case .memory(let values): return values.count
        case .mapped(let array): return array.count
        }
    }

    /// Appends the elements `range` to `values`.
    func append(_ range: Range<Int>, to values: inout [Float]) {
        switch self {
        case .memory(let stored): values.append(contentsOf: stored[range.clamped(to: 0..<stored.count)])
        case .mapped(let array): array.append(elements: range, to: &values)
        }
    }

    /// Hands the pages of a consumed range back to the kernel (mapped files only).
    func release(_ range: Range<Int>) {
        if case .mapped(let array) = self { array.release(elements: range) }
    }

    /// Rows `runs` of the middle axis of an [outer, batch, width] array, outer indices
    /// `0..<outerCount`, as [outerCount, Σ runs, width]; releases what it read when `releasing`.
    func gather(outerCount: Int, batch: Int, width: Int, runs: [Range<Int>], releasing: Bool) -> [Float] {
        var values: [Float] = []
        values.reserveCapacity(outerCount * runs.reduce(0) { $0 + $1.count } * width)
        for outer in 0..<outerCount {
            for run in runs {
                let range = ((outer * batch + run.lowerBound) * width)..<((outer * batch + run.upperBound) * width)
                append(range, to: &values)
                if releasing { release(range) }
            }
        }
        return values
    }
}
