// Batch slices: the runs of sequences a large pass is cut into, and how they are chosen.
// Sequences are independent and every kernel's accumulation order is fixed per sequence,
// so any cut gives bitwise the results of one pass; the cut only decides memory and speed.

/// A set of sequences run together as one forward pass, with the steps that pass needs.
public struct BatchSlice: Sendable, Equatable {
    /// Position in the plan (0, 1, ...).
    public var index: Int
    /// Indices into the whole batch, ascending.
    public var sequences: [Int]
    /// Steps the pass runs: the longest length among `sequences` (T without lengths).
    public var steps: Int

    public init(index: Int, sequences: [Int], steps: Int) {
        self.index = index
        self.sequences = sequences
        self.steps = steps
    }

    /// `sequences` as maximal runs of consecutive indices, in order.
    public var runs: [Range<Int>] { Self.runs(of: sequences) }

    /// Maximal runs of consecutive values in an ascending array.
    public static func runs(of indices: [Int]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for position in indices.indices where position + 1 == indices.count || indices[position + 1] != indices[position] + 1 {
            result.append(indices[start]..<(indices[position] + 1))
            start = position + 1
        }
        return result
    }
}

/// Cuts the sequences of a batch (or of one shard of it) into batch slices.
public enum BatchSlicing {
    /// Per-step cost of one slice, counted in sequence-steps: each step of each slice pays a
    /// synchronisation and streams the recurrent weights once whatever its row count, so a
    /// cut into many thin slices is not free. Chosen by timing 2, 4, 8 and 16 on PoCL
    /// (Benchmarks/RESULTS.md): thin slices cost little there, so padded work dominates.
    public static let stepOverheadSequences = 4

    /// Contiguous slices of at most `limit` sequences over `range`, all running `steps` steps.
    public static func contiguous(_ range: Range<Int>, steps: Int, limit: Int) -> [BatchSlice] {
        let size = max(1, limit)
        return stride(from: range.lowerBound, to: range.upperBound, by: size).enumerated().map { index, start in
            BatchSlice(index: index, sequences: Array(start..<min(start + size, range.upperBound)), steps: steps)
        }
    }

    /// Slices of at most `limit` sequences over `range`, grouped by length so that no slice
    /// runs many steps for sequences that ended long before: the sequences are ordered by
    /// length and cut where the padded work plus a per-step overhead is smallest
    /// (`stepOverhead`, ``stepOverheadSequences`` by default). Every slice's `steps` is its longest length.
    ///
    /// With every length equal to `steps`, this is ``contiguous(_:steps:limit:)``.
    public static func groupedByLength(
        _ range: Range<Int>, lengths: [Int], steps: Int, limit: Int, stepOverhead: Int = stepOverheadSequences
    ) -> [BatchSlice] {
        let members = Array(range)
        guard members.contains(where: { lengths[$0] != steps }) else {
            return contiguous(range, steps: steps, limit: limit)
        }
        // Stable order by length: equal lengths keep their batch order.
        let ordered = members.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        let cuts = cheapestCuts(ordered.map { lengths[$0] }, limit: max(1, limit), overhead: max(0, stepOverhead))
        var slices: [BatchSlice] = []
        var start = 0
        for end in cuts {
            let group = ordered[start..<end]
            let longest = group.map { lengths[$0] }.max() ?? steps
            slices.append(BatchSlice(index: slices.count, sequences: group.sorted(), steps: longest))
            start = end
        }
        return slices
    }

    /// The ends of the groups of an ascending length list that minimise
    /// Σ (longest length) × (group size + overhead), with at most `limit` per group
    /// (dynamic programming over the cut positions).
    static func cheapestCuts(_ sorted: [Int], limit: Int, overhead: Int) -> [Int] {
        let count = sorted.count
        guard count > 0 else { return [] }
        var best = [Int](repeating: Int.max, count: count + 1)
        var previous = [Int](repeating: 0, count: count + 1)
        best[0] = 0
        for end in 1...count {
            let longest = sorted[end - 1]  // ascending: a group's last member is its longest
            for start in max(0, end - limit)..<end where best[start] != Int.max {
                let cost = best[start] + longest * (end - start + overhead)
                if cost < best[end] {
                    best[end] = cost
                    previous[end] = start
                }
            }
        }
        var cuts: [Int] = []
        var end = count
        while end > 0 {
            cuts.append(end)
            end = previous[end]
        }
        return cuts.reversed()
    }
}
