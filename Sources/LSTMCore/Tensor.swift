// A dense float32 tensor in row-major (C) order: the currency of the runtime's API.

/// A dense, row-major array of `Float` values with a shape.
public struct Tensor: Equatable, Sendable {
    /// The size of each dimension, outermost first.
    public let shape: [Int]
    /// The elements in row-major order; `values.count` equals the product of `shape`.
    public var values: [Float]

    /// Creates a tensor, checking that the value count matches the shape.
    ///
    /// - Throws: ``ShapeError`` when a dimension is negative or the counts differ.
    public init(shape: [Int], values: [Float]) throws {
        guard let count = Tensor.elementCount(of: shape) else {
            throw ShapeError("invalid shape \(shape): dimensions must be non-negative and the product must fit in memory")
        }
        guard count == values.count else {
            throw ShapeError("shape \(shape) needs \(count) values, got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }

    /// A tensor of the given shape filled with one value (zeros by default).
    /// Negative dimensions are treated as zero; a shape whose size overflows gives shape [0].
    public init(repeating value: Float = 0, shape: [Int]) {
        let clamped = shape.map { max(0, $0) }
        let count = Tensor.elementCount(of: clamped)
        self.shape = count == nil ? [0] : clamped
        self.values = Array(repeating: value, count: count ?? 0)
    }

    /// Number of elements.
    public var count: Int { values.count }

    /// The product of the dimensions, or `nil` when a dimension is negative or the product overflows.
    public static func elementCount(of shape: [Int]) -> Int? {
        var total = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            total = product
        }
        return total
    }
}

/// A tensor or request whose shape does not fit what was expected.
public struct ShapeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong, in words a user can act on.
    public let description: String
    public init(_ description: String) { self.description = description }
}
