// Comparing whole forward-pass results: within a tolerance, or bit for bit.
import LSTMCore

/// Comparisons of ``LSTMOutput`` and ``ForwardResult`` values.
public enum OutputComparison {
    /// Output, h_n and c_n compared with `tolerance`, merged into one verdict. A c_n on one
    /// side only fails.
    public static func compare(_ got: LSTMOutput, _ expected: LSTMOutput, tolerance: Tolerance) -> TensorComparison {
        TensorComparison(merging: [
            TensorComparison(got.output, expected.output, tolerance: tolerance),
            TensorComparison(got.finalHidden, expected.finalHidden, tolerance: tolerance),
        ] + cellState(got.finalCell, expected.finalCell, tolerance: tolerance), tolerance: tolerance)
    }

    /// The same for time-major results (flat arrays).
    public static func compare(_ got: ForwardResult, _ expected: ForwardResult, tolerance: Tolerance) throws -> TensorComparison {
        let parts = try [(got.output, expected.output), (got.finalHidden, expected.finalHidden), (got.finalCell, expected.finalCell)]
            .map { a, b in
                TensorComparison(try Tensor(shape: [a.count], values: a), try Tensor(shape: [b.count], values: b), tolerance: tolerance)
            }
        return TensorComparison(merging: parts, tolerance: tolerance)
    }

    /// c_n compared when either side has one: one side only fails (shape [0] against its shape).
    public static func cellState(_ got: Tensor?, _ expected: Tensor?, tolerance: Tolerance) -> [TensorComparison] {
        guard got != nil || expected != nil else { return [] }
        let absent = Tensor(repeating: 0, shape: [0])
        return [TensorComparison(got ?? absent, expected ?? absent, tolerance: tolerance)]
    }

    /// `nil` when the arrays are bitwise equal (NaN payloads and signed zeros included),
    /// else where and how they first differ.
    public static func firstDifference(_ got: [Float], _ expected: [Float]) -> String? {
        guard got.count == expected.count else { return "\(got.count) values, expected \(expected.count)" }
        let differing = got.indices.filter { got[$0].bitPattern != expected[$0].bitPattern }
        guard let first = differing.first else { return nil }
        return "\(differing.count) of \(got.count) values differ; first at \(first): \(got[first]) vs \(expected[first])"
    }

    /// `nil` when output, h_n and c_n are all bitwise equal, else the first part that differs
    /// and how.
    public static func firstDifference(_ got: ForwardResult, _ expected: ForwardResult) -> String? {
        for (part, a, b) in [("output", got.output, expected.output), ("h_n", got.finalHidden, expected.finalHidden),
                             ("c_n", got.finalCell, expected.finalCell)] {
            if let difference = firstDifference(a, b) { return "\(part): \(difference)" }
        }
        return nil
    }

    /// Shape and value bit patterns equal (so NaN payloads and -0 count).
    public static func sameBits(_ lhs: Tensor, _ rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.values.map(\.bitPattern) == rhs.values.map(\.bitPattern)
    }
}
