// Comparing a whole forward result (output, h_n, c_n) with the reference's in one verdict.
import LSTMRuntime

/// Element-wise comparison of the three arrays of a ``ForwardResult``.
public enum ResultComparison {
    /// Output, h_n and c_n compared under `tolerance` and merged; differing lengths fail.
    public static func compare(_ got: ForwardResult, _ expected: ForwardResult, tolerance: Tolerance) -> TensorComparison {
        let pairs = [(got.output, expected.output), (got.finalHidden, expected.finalHidden), (got.finalCell, expected.finalCell)]
        let parts = pairs.map { got, expected in
            TensorComparison(flat(got), flat(expected), tolerance: tolerance)
        }
        return TensorComparison(merging: parts, tolerance: tolerance)
    }

    private static func flat(_ values: [Float]) -> Tensor {
        (try? Tensor(shape: [values.count], values: values)) ?? Tensor(repeating: .nan, shape: [values.count])
    }
}
