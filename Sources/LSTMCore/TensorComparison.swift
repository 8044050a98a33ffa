// Element-wise comparison of a result against the reference, for tests, `verify` and `bench`.

/// The outcome of comparing a computed tensor with a reference under a ``Tolerance``.
public struct TensorComparison: Sendable, CustomStringConvertible {
    /// Largest `|got − ref|` over all elements (NaN if a NaN appears where the reference has none).
    public private(set) var maxAbsoluteError: Double = 0
    /// Largest `|got − ref| / max(|ref|, tiny)`.
    public private(set) var maxRelativeError: Double = 0
    /// Elements outside the tolerance.
    public private(set) var failureCount = 0
    /// Index and values of the first element outside the tolerance.
    public private(set) var firstFailure: (index: Int, got: Float, reference: Float)?
    /// Elements compared.
    public private(set) var count = 0
    /// Whether the shapes matched; a shape mismatch is always a failure.
    public private(set) var shapesMatch = true

    public let tolerance: Tolerance

    /// Compares `got` with `reference` element by element.
    public init(_ got: Tensor, _ reference: Tensor, tolerance: Tolerance) {
        self.tolerance = tolerance
        guard got.shape == reference.shape else {
            shapesMatch = false
            failureCount = max(1, reference.count)
            return
        }
        add(got.values, reference.values)
    }

    /// Folds several comparisons (output, h_n, c_n) into one.
    public init(merging parts: [TensorComparison], tolerance: Tolerance) {
        self.tolerance = tolerance
        for part in parts {
            maxAbsoluteError = Self.largest(maxAbsoluteError, part.maxAbsoluteError)
            maxRelativeError = Self.largest(maxRelativeError, part.maxRelativeError)
            if firstFailure == nil { firstFailure = part.firstFailure }
            failureCount += part.failureCount
            count += part.count
            shapesMatch = shapesMatch && part.shapesMatch
        }
    }

    /// Whether every element is within the tolerance.
    public var passed: Bool { shapesMatch && failureCount == 0 }

    private mutating func add(_ got: [Float], _ reference: [Float]) {
        for index in got.indices {
            let value = Double(got[index])
            let expected = Double(reference[index])
            count += 1
            let bothNaN = value.isNaN && expected.isNaN
            let error = bothNaN ? 0 : abs(value - expected)
            maxAbsoluteError = Self.largest(maxAbsoluteError, error)
            maxRelativeError = Self.largest(maxRelativeError, error / max(abs(expected), 1e-30))
            if !tolerance.accepts(value, reference: expected) {
                failureCount += 1
                if firstFailure == nil { firstFailure = (index, got[index], reference[index]) }
            }
        }
    }

    /// `max` that lets NaN win, so a NaN error is never hidden.
    private static func largest(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return .nan }
        return max(a, b)
    }

    public var description: String {
        guard shapesMatch else { return "shape mismatch" }
        var text = "max abs \(maxAbsoluteError), max rel \(maxRelativeError), \(failureCount)/\(count) outside \(tolerance)"
        if let failure = firstFailure {
            text += "; first at \(failure.index): got \(failure.got), expected \(failure.reference)"
        }
        return text
    }
}
