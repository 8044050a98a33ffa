// The data-movement operators exporters put around recurrent nodes, evaluated on host
// arrays: Transpose, Squeeze, Unsqueeze, Reshape, Concat, Slice, Gather and Expand.
// Each follows the ONNX operator's definition for opsets 7 to 22 (attributes in early
// opsets, inputs in later ones).

struct OperatorContext {
    let node: ONNXNode
    let opset: Int64

    func fail(_ reason: String) -> ONNXError {
        .unsupportedNode(node: node.displayName, op: node.opType, reason: reason)
    }

    func int(_ name: String) -> Int64? { node.attribute(name)?.int }
    func ints(_ name: String) -> [Int64]? { node.attribute(name).map(\.ints) }

    /// An axis in -rank..<rank, normalised to 0..<rank.
    func axis(_ value: Int64, rank: Int) throws -> Int {
        guard value >= -Int64(rank), value < Int64(rank) else {
            throw fail("axis \(value) is outside the rank-\(rank) input")
        }
        return Int(value < 0 ? value + Int64(rank) : value)
    }
}

enum LayoutOperators {
    static func transpose(_ x: ONNXArray, _ context: OperatorContext) throws -> ONNXArray {
        let rank = x.shape.count
        let perm = try context.ints("perm").map { try $0.map { try context.axis($0, rank: rank) } } ?? Array((0..<rank).reversed())
        guard perm.count == rank, Set(perm).count == rank else {
            throw context.fail("perm \(perm) is not a permutation of the \(rank) axes")
        }
        return permute(x, perm)
    }

    /// `result.shape[k] = x.shape[perm[k]]`.
    static func permute(_ x: ONNXArray, _ perm: [Int]) -> ONNXArray {
        let shape = perm.map { x.shape[$0] }
        let sourceStrides = strides(of: x.shape)
        let permutedStrides = perm.map { sourceStrides[$0] }
        var indices = [Int](repeating: 0, count: x.count)
        var counter = [Int](repeating: 0, count: shape.count)
        for flat in 0..<x.count {
            var source = 0
            for axis in shape.indices { source += counter[axis] * permutedStrides[axis] }
            indices[flat] = source
            var axis = shape.count - 1
            while axis >= 0 {
                counter[axis] += 1
                if counter[axis] < shape[axis] { break }
                counter[axis] = 0
                axis -= 1
            }
        }
        return x.gathering(indices, shape: shape)
    }

    static func squeeze(_ x: ONNXArray, axes given: [Int64]?, _ context: OperatorContext) throws -> ONNXArray {
        x.reshaped(try squeezedShape(x.shape, axes: given, context))
    }

    static func squeezedShape(_ shape: [Int], axes given: [Int64]?, _ context: OperatorContext) throws -> [Int] {
        let rank = shape.count
        let axes: Set<Int>
        if let given {
            axes = Set(try given.map { try context.axis($0, rank: rank) })
            if let bad = axes.first(where: { shape[$0] != 1 }) {
                throw context.fail("cannot squeeze axis \(bad) of shape \(shape): its size is not 1")
            }
        } else {
            axes = Set(shape.indices.filter { shape[$0] == 1 })
        }
        return shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
    }

    static func unsqueeze(_ x: ONNXArray, axes given: [Int64], _ context: OperatorContext) throws -> ONNXArray {
        x.reshaped(try unsqueezedShape(x.shape, axes: given, context))
    }

    static func unsqueezedShape(_ input: [Int], axes given: [Int64], _ context: OperatorContext) throws -> [Int] {
        let rank = input.count + given.count
        let axes = Set(try given.map { try context.axis($0, rank: rank) })
        guard axes.count == given.count else { throw context.fail("axes \(given) repeat an axis") }
        var shape: [Int] = []
        var next = 0
        for axis in 0..<rank {
            if axes.contains(axis) { shape.append(1) } else { shape.append(input[next]); next += 1 }
        }
        return shape
    }

    static func reshape(_ x: ONNXArray, target: [Int64], allowZero: Bool, _ context: OperatorContext) throws -> ONNXArray {
        x.reshaped(try reshapedShape(x.shape, count: x.count, target: target, allowZero: allowZero, context))
    }

    /// The shape Reshape gives an input of `input` shape holding `count` elements.
    static func reshapedShape(_ input: [Int], count: Int, target: [Int64], allowZero: Bool, _ context: OperatorContext) throws -> [Int] {
        var shape: [Int] = []
        var inferred: Int?
        for (axis, value) in target.enumerated() {
            if value == 0 && !allowZero {
                guard axis < input.count else { throw context.fail("shape \(target) copies axis \(axis), which input \(input) lacks") }
                shape.append(input[axis])
            } else if value == -1 {
                guard inferred == nil else { throw context.fail("shape \(target) has more than one -1") }
                inferred = axis
                shape.append(1)
            } else {
                guard value >= 0, value <= Int64(Int32.max) else { throw context.fail("shape \(target) has an invalid size \(value)") }
                shape.append(Int(value))
            }
        }
        guard let known = ShapeMath.elementCount(shape) else { throw context.fail("shape \(target) overflows") }
        if let inferred {
            guard known > 0, count % known == 0 else { throw context.fail("cannot infer -1 in shape \(target) for \(count) elements (input \(input))") }
            shape[inferred] = count / known
        }
        guard ShapeMath.elementCount(shape) == count else {
            throw context.fail("cannot reshape \(input) (\(count) elements) to \(target)")
        }
        return shape
    }

    static func concat(_ parts: [ONNXArray], _ context: OperatorContext) throws -> ONNXArray {
        guard let first = parts.first else { throw context.fail("Concat needs at least one input") }
        let rank = first.shape.count
        guard let axisValue = context.int("axis") else { throw context.fail("the axis attribute is missing") }
        let axis = try context.axis(axisValue, rank: rank)
        for part in parts {
            guard part.shape.count == rank,
                  part.shape.indices.allSatisfy({ $0 == axis || part.shape[$0] == first.shape[$0] }),
                  part.values.isFloat == first.values.isFloat
            else { throw context.fail("inputs of shapes \(parts.map(\.shape)) cannot be joined on axis \(axis)") }
        }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        var shape = first.shape
        shape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        switch first.values {
        case .floats:
            var values: [Float] = []
            values.reserveCapacity(shape.reduce(1, *))
            for block in 0..<outer {
                for part in parts {
                    let width = part.shape[axis] * inner
                    values.append(contentsOf: part.floats[(block * width)..<((block + 1) * width)])
                }
            }
            return ONNXArray(shape: shape, elementType: first.elementType, values: .floats(values))
        case .integers:
            var values: [Int64] = []
            for block in 0..<outer {
                for part in parts {
                    let width = part.shape[axis] * inner
                    values.append(contentsOf: part.integers[(block * width)..<((block + 1) * width)])
                }
            }
            return ONNXArray(shape: shape, elementType: first.elementType, values: .integers(values))
        }
    }

    static func slice(
        _ x: ONNXArray, starts: [Int64], ends: [Int64], axes given: [Int64]?, steps: [Int64]?,
        _ context: OperatorContext
    ) throws -> ONNXArray {
        let rank = x.shape.count
        let axes = try (given ?? (0..<Int64(starts.count)).map { $0 }).map { try context.axis($0, rank: rank) }
        let stepValues = steps ?? Array(repeating: Int64(1), count: axes.count)
        guard starts.count == axes.count, ends.count == axes.count, stepValues.count == axes.count else {
            throw context.fail("starts \(starts), ends \(ends), axes \(axes) and steps \(stepValues) differ in length")
        }
        var ranges = x.shape.map { (start: 0, step: 1, count: $0) }
        for (index, axis) in axes.enumerated() {
            let size = Int64(x.shape[axis])
            let step = stepValues[index]
            guard step != 0 else { throw context.fail("a slice step is 0") }
            func clampedIndex(_ value: Int64, low: Int64, high: Int64) -> Int64 {
                let adjusted = value < 0 ? value + size : value
                return min(max(adjusted, low), high)
            }
            let start = step > 0 ? clampedIndex(starts[index], low: 0, high: size) : clampedIndex(starts[index], low: -1, high: size - 1)
            let end = step > 0 ? clampedIndex(ends[index], low: 0, high: size) : clampedIndex(ends[index], low: -1, high: size - 1)
            // Written so that no intermediate overflows, whatever step a file gives.
            let count: Int64 = step > 0
                ? (end > start ? (end - start - 1) / step + 1 : 0)
                : (start > end ? (start - end - 1) / (0 &- step) + 1 : 0)
            ranges[axis] = (Int(start), Int(step), Int(count))
        }
        let shape = ranges.map(\.count)
        let sourceStrides = strides(of: x.shape)
        var indices: [Int] = []
        indices.reserveCapacity(shape.reduce(1, *))
        var counter = [Int](repeating: 0, count: rank)
        let total = shape.reduce(1, *)
        for _ in 0..<total {
            var source = 0
            for axis in 0..<rank { source += (ranges[axis].start + counter[axis] * ranges[axis].step) * sourceStrides[axis] }
            indices.append(source)
            var axis = rank - 1
            while axis >= 0 {
                counter[axis] += 1
                if counter[axis] < shape[axis] { break }
                counter[axis] = 0
                axis -= 1
            }
        }
        return x.gathering(indices, shape: shape)
    }

    static func gather(_ x: ONNXArray, indices: ONNXArray, _ context: OperatorContext) throws -> ONNXArray {
        let rank = x.shape.count
        let axis = try context.axis(context.int("axis") ?? 0, rank: rank)
        let size = x.shape[axis]
        let picks = try indices.integers.map { value -> Int in
            guard value >= -Int64(size), value < Int64(size) else { throw context.fail("index \(value) is outside axis \(axis) of size \(size)") }
            return Int(value < 0 ? value + Int64(size) : value)
        }
        let outer = x.shape[..<axis].reduce(1, *)
        let inner = x.shape[(axis + 1)...].reduce(1, *)
        var flat: [Int] = []
        flat.reserveCapacity(outer * picks.count * inner)
        for block in 0..<outer {
            for pick in picks {
                let base = (block * size + pick) * inner
                flat.append(contentsOf: base..<(base + inner))
            }
        }
        return x.gathering(flat, shape: Array(x.shape[..<axis]) + indices.shape + Array(x.shape[(axis + 1)...]))
    }

    static func expand(_ x: ONNXArray, shape target: [Int64], _ context: OperatorContext) throws -> ONNXArray {
        let rank = max(x.shape.count, target.count)
        let padded = Array(repeating: 1, count: rank - x.shape.count) + x.shape
        let wanted = Array(repeating: Int64(1), count: rank - target.count) + target
        var shape: [Int] = []
        for axis in 0..<rank {
            let (have, want) = (padded[axis], wanted[axis])
            guard want >= 0, want <= Int64(Int32.max) else { throw context.fail("shape \(target) has an invalid size") }
            guard have == Int(want) || have == 1 || want == 1 else {
                throw context.fail("cannot broadcast \(x.shape) to \(target)")
            }
            shape.append(have == 1 ? Int(want) : have)
        }
        guard let total = ShapeMath.elementCount(shape), total <= ShapeMath.elementLimit else { throw context.fail("the expanded shape \(shape) is too large") }
        let sourceStrides = strides(of: padded).enumerated().map { padded[$0.offset] == 1 ? 0 : $0.element }
        var indices: [Int] = []
        indices.reserveCapacity(total)
        var counter = [Int](repeating: 0, count: rank)
        for _ in 0..<total {
            indices.append(zip(counter, sourceStrides).map(*).reduce(0, +))
            var axis = rank - 1
            while axis >= 0 {
                counter[axis] += 1
                if counter[axis] < shape[axis] { break }
                counter[axis] = 0
                axis -= 1
            }
        }
        return x.gathering(indices, shape: shape)
    }
}

extension ONNXArray.Values {
    var isFloat: Bool { if case .floats = self { return true } else { return false } }
}

enum ShapeMath {
    /// The most elements an operator may create (Expand, ConstantOfShape): 2^24, 64 MiB of
    /// float32, far beyond any shape subgraph, so a hostile file cannot make us allocate more.
    static let elementLimit = 1 << 24

    /// The product of `shape`, or nil when it overflows or a size is negative.
    static func elementCount(_ shape: [Int]) -> Int? {
        var total = 1
        for size in shape {
            guard size >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            total = product
        }
        return total
    }
}
