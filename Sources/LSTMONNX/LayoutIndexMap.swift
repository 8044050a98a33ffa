// Where each element of a layout chain's result comes from, computed from shapes alone: the
// Transpose, Squeeze, Unsqueeze, Reshape and Identity nodes between two recurrent nodes only
// move elements, so their combined effect is a map from result positions to source offsets.
// Holding it as mixed-radix digits (size, source stride) lets the stacking check compare a
// graph's layout chain with the standard stacked form for any input shape without touching
// (or allocating) the data itself.

/// The source offset of every element of a layout chain's result, as mixed-radix digits.
struct LayoutIndexMap: Equatable {
    /// One digit of an axis: `size` positions, `stride` source elements apart.
    struct Digit: Equatable {
        var size: Int
        var stride: Int
    }

    /// The result's shape.
    private(set) var shape: [Int]
    /// For each axis its digits, outermost first, sizes above 1 only; their sizes multiply to
    /// the axis's size (an axis of size 1 has none).
    private(set) var digits: [[Digit]]

    /// The identity map of a row-major tensor of `shape`.
    init(contiguous shape: [Int]) {
        self.shape = shape
        var stride = 1
        var digits: [[Digit]] = Array(repeating: [], count: shape.count)
        for axis in shape.indices.reversed() {
            if shape[axis] > 1 { digits[axis] = [Digit(size: shape[axis], stride: stride)] }
            stride *= shape[axis]
        }
        self.digits = digits
    }

    /// `result.shape[k] = shape[perm[k]]`, as Transpose.
    func permuted(_ perm: [Int]) -> LayoutIndexMap {
        var map = self
        map.shape = perm.map { shape[$0] }
        map.digits = perm.map { digits[$0] }
        return map
    }

    /// The same elements in row-major order with another shape (Reshape, Squeeze, Unsqueeze),
    /// or nil when an axis of `newShape` would cut a digit unevenly (then the chain is not
    /// one this check can follow, and the graph runs node by node).
    func reshaped(_ newShape: [Int]) -> LayoutIndexMap? {
        guard ShapeMath.elementCount(newShape) == ShapeMath.elementCount(shape) else { return nil }
        var pending = digits.flatMap { $0 }[...]
        var result: [[Digit]] = []
        for size in newShape {
            var remaining = size
            var axis: [Digit] = []
            while remaining > 1 {
                guard let digit = pending.first else { return nil }
                if remaining % digit.size == 0 {
                    axis.append(digit)
                    remaining /= digit.size
                    pending.removeFirst()
                } else if digit.size % remaining == 0 {
                    // The axis takes the outer part of the digit; its inner part stays pending.
                    let inner = digit.size / remaining
                    axis.append(Digit(size: remaining, stride: digit.stride * inner))
                    pending[pending.startIndex] = Digit(size: inner, stride: digit.stride)
                    remaining = 1
                } else {
                    return nil
                }
            }
            result.append(axis)
        }
        guard pending.isEmpty else { return nil }
        var map = self
        map.shape = newShape
        map.digits = result
        return map
    }

    /// The digits of the flat result index, adjacent ones merged where they run on as one:
    /// two maps with the same shape send every element to the same place exactly when their
    /// canonical digits are equal (each digit's stride is the offset of the first element
    /// past the digits inside it, so the list is determined by the map).
    private var canonicalDigits: [Digit] {
        var merged: [Digit] = []
        for digit in digits.flatMap({ $0 }).reversed() {
            if let last = merged.last, digit.stride == last.stride * last.size {
                merged[merged.count - 1] = Digit(size: last.size * digit.size, stride: last.stride)
            } else {
                merged.append(digit)
            }
        }
        return merged
    }

    /// Whether both maps give every element of the same shape the same source offset.
    func movesLike(_ other: LayoutIndexMap) -> Bool {
        shape == other.shape && canonicalDigits == other.canonicalDigits
    }
}

extension LayoutIndexMap {
    /// The operators a layout chain between stacked nodes may hold: they only move elements.
    static let movingOperators: Set<String> = ["Transpose", "Squeeze", "Unsqueeze", "Reshape", "Identity"]

    /// The map after `node`, whose data input is the value this map describes and whose other
    /// inputs are load-time `constants`. Returns nil for any other operator or a parameter that
    /// is not constant; throws what the operator itself would throw for this shape.
    func applying(_ node: ONNXNode, constants: [String: ONNXArray], opset: Int64) throws -> LayoutIndexMap? {
        let context = OperatorContext(node: node, opset: opset)
        var parameters: [ONNXArray?] = []
        for name in node.inputs.dropFirst() {
            if name.isEmpty { parameters.append(nil); continue }
            guard let value = constants[name] else { return nil }
            parameters.append(value)
        }
        func ints(_ index: Int) -> [Int64]? { index < parameters.count ? parameters[index]?.integers : nil }
        switch node.opType {
        case "Identity":
            return self
        case "Transpose":
            let rank = shape.count
            let perm = try context.ints("perm").map { try $0.map { try context.axis($0, rank: rank) } } ?? Array((0..<rank).reversed())
            guard perm.count == rank, Set(perm).count == rank else {
                throw context.fail("perm \(perm) is not a permutation of the \(rank) axes")
            }
            return permuted(perm)
        case "Squeeze":
            let axes = opset >= 13 ? ints(0) : context.ints("axes")
            return reshaped(try LayoutOperators.squeezedShape(shape, axes: axes, context))
        case "Unsqueeze":
            guard let axes = opset >= 13 ? ints(0) : context.ints("axes") else { throw context.fail("axes are missing") }
            return reshaped(try LayoutOperators.unsqueezedShape(shape, axes: axes, context))
        case "Reshape":
            guard let target = ints(0) else { throw context.fail("input 1 is missing") }
            let count = ShapeMath.elementCount(shape) ?? 0
            return reshaped(try LayoutOperators.reshapedShape(
                shape, count: count, target: target, allowZero: (context.int("allowzero") ?? 0) != 0, context))
        default:
            return nil
        }
    }

    /// How stacked layers pass a recurrent node's Y to the next layer's X: layout 0,
    /// Y [T, D, B, H] → [T, B, D, H] → [T, B, D·H]; layout 1, Y [B, T, D, H] → [B, T, D·H].
    static func stacking(sequenceOutput shape: [Int], layout: Int) -> LayoutIndexMap? {
        guard shape.count == 4 else { return nil }
        let map = LayoutIndexMap(contiguous: shape)
        if layout == 0 {
            return map.permuted([0, 2, 1, 3]).reshaped([shape[0], shape[2], shape[1] * shape[3]])
        }
        return map.reshaped([shape[0], shape[1], shape[2] * shape[3]])
    }
}
