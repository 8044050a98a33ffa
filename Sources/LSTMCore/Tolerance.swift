// The one place where the accepted difference between a kernel and the reference is stated.

/// An element-wise tolerance: `|got − ref| ≤ absolute + relative·|ref|`.
public struct Tolerance: Equatable, Sendable, CustomStringConvertible {
    public var absolute: Double
    public var relative: Double

    public init(absolute: Double, relative: Double) {
        self.absolute = absolute
        self.relative = relative
    }

    /// fp32 kernels against the Double reference.
    public static let float32 = Tolerance(absolute: 1e-4, relative: 1e-3)
    /// Kernels storing weights as half precision (fp32 arithmetic) against the fp32-weight reference.
    public static let float16Weights = Tolerance(absolute: 4e-3, relative: 1e-2)
    /// What the product promises against independent implementations (PyTorch, onnxruntime).
    public static let external = Tolerance(absolute: 2e-4, relative: 1e-3)

    /// Whether `got` is acceptably close to `reference`. NaN matches only NaN.
    public func accepts(_ got: Double, reference: Double) -> Bool {
        if reference.isNaN || got.isNaN { return reference.isNaN && got.isNaN }
        if reference.isInfinite || got.isInfinite { return got == reference }
        return abs(got - reference) <= absolute + relative * abs(reference)
    }

    public var description: String { "|got − ref| ≤ \(absolute) + \(relative)·|ref|" }
}
