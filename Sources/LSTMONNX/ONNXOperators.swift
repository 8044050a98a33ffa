// Evaluating one non-recurrent node on host arrays: the layout operators and the constant
// operators (Shape, Constant, ConstantOfShape, Identity, Cast). Used both to fold constant
// subgraphs at load time and to run the layout nodes around recurrent nodes.

enum ONNXOperators {
    /// The operators this runtime evaluates besides LSTM and GRU.
    static let supported: Set<String> = [
        "Transpose", "Squeeze", "Unsqueeze", "Reshape", "Concat", "Slice", "Gather", "Shape", "Expand",
        "Constant", "ConstantOfShape", "Identity", "Cast",
    ]

    /// The node's outputs, given its inputs (nil where omitted).
    static func evaluate(_ node: ONNXNode, inputs: [ONNXArray?], opset: Int64, source: String) throws -> [ONNXArray] {
        let context = OperatorContext(node: node, opset: opset)
        func required(_ index: Int) throws -> ONNXArray {
            guard index < inputs.count, let value = inputs[index] else { throw context.fail("input \(index) is missing") }
            return value
        }
        func optionalInts(_ index: Int) -> [Int64]? { index < inputs.count ? inputs[index]?.integers : nil }

        switch node.opType {
        case "Identity":
            return [try required(0)]
        case "Transpose":
            return [try LayoutOperators.transpose(try required(0), context)]
        case "Squeeze":
            let axes = opset >= 13 ? optionalInts(1) : context.ints("axes")
            return [try LayoutOperators.squeeze(try required(0), axes: axes, context)]
        case "Unsqueeze":
            guard let axes = opset >= 13 ? optionalInts(1) : context.ints("axes") else { throw context.fail("axes are missing") }
            return [try LayoutOperators.unsqueeze(try required(0), axes: axes, context)]
        case "Reshape":
            return [try LayoutOperators.reshape(
                try required(0), target: try required(1).integers, allowZero: (context.int("allowzero") ?? 0) != 0, context)]
        case "Concat":
            let parts = try inputs.indices.map { try required($0) }
            return [try LayoutOperators.concat(parts, context)]
        case "Slice":
            let x = try required(0)
            if opset < 10 {
                guard let starts = context.ints("starts"), let ends = context.ints("ends") else { throw context.fail("starts or ends is missing") }
                return [try LayoutOperators.slice(x, starts: starts, ends: ends, axes: context.ints("axes"), steps: nil, context)]
            }
            return [try LayoutOperators.slice(
                x, starts: try required(1).integers, ends: try required(2).integers, axes: optionalInts(3), steps: optionalInts(4), context)]
        case "Gather":
            return [try LayoutOperators.gather(try required(0), indices: try required(1), context)]
        case "Expand":
            return [try LayoutOperators.expand(try required(0), shape: try required(1).integers, context)]
        case "Shape":
            return [try shape(try required(0), context)]
        case "Constant":
            return [try constant(context, source: source)]
        case "ConstantOfShape":
            return [try constantOfShape(try required(0), context, source: source)]
        case "Cast":
            return [try cast(try required(0), context)]
        default:
            throw context.fail("not an operator this runtime imports")
        }
    }

    private static func shape(_ x: ONNXArray, _ context: OperatorContext) throws -> ONNXArray {
        try shapeValue(x.shape, context)
    }

    /// What Shape gives for an input of `shape`: the data is never read, so a value that is
    /// only known by its shape (a stacked layer's output kept on the device) has it too.
    static func shapeValue(_ input: [Int], _ context: OperatorContext) throws -> ONNXArray {
        let rank = Int64(input.count)
        func clamp(_ value: Int64) -> Int { Int(min(max(value < 0 ? value + rank : value, 0), rank)) }
        let start = clamp(context.int("start") ?? 0)
        let end = clamp(context.int("end") ?? rank)
        let dims = start < end ? input[start..<end].map { Int64($0) } : []
        return ONNXArray(shape: [dims.count], integers: dims)
    }

    private static func constant(_ context: OperatorContext, source: String) throws -> ONNXArray {
        guard let attribute = context.node.attributes.first else { throw context.fail("Constant has no value attribute") }
        switch attribute.name {
        case "value":
            guard let tensor = attribute.tensor else { throw context.fail("attribute value holds no tensor") }
            return try ONNXTensorDecoding.array(tensor, folder: nil, source: source)
        case "value_float":
            return ONNXArray(shape: [], floats: [attribute.float ?? 0])
        case "value_floats":
            return ONNXArray(shape: [attribute.floats.count], floats: attribute.floats)
        case "value_int":
            return ONNXArray(shape: [], integers: [attribute.int ?? 0])
        case "value_ints":
            return ONNXArray(shape: [attribute.ints.count], integers: attribute.ints)
        default:
            throw context.fail("Constant attribute \(attribute.name) is not supported (value, value_float(s), value_int(s) are)")
        }
    }

    private static func constantOfShape(_ shapeArray: ONNXArray, _ context: OperatorContext, source: String) throws -> ONNXArray {
        let dims = shapeArray.integers
        guard dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }),
              let count = ShapeMath.elementCount(dims.map { Int($0) }), count <= ShapeMath.elementLimit
        else { throw context.fail("shape \(dims) is invalid or too large") }
        var fill = ONNXArray(shape: [1], floats: [0])
        if let tensor = context.node.attribute("value")?.tensor {
            fill = try ONNXTensorDecoding.array(tensor, folder: nil, source: source)
            guard fill.count == 1 else { throw context.fail("the value attribute must hold one element, not \(fill.count)") }
        }
        let shape = dims.map { Int($0) }
        switch fill.values {
        case .floats(let values): return ONNXArray(shape: shape, elementType: fill.elementType, values: .floats(Array(repeating: values[0], count: count)))
        case .integers(let values): return ONNXArray(shape: shape, elementType: fill.elementType, values: .integers(Array(repeating: values[0], count: count)))
        }
    }

    private static func cast(_ x: ONNXArray, _ context: OperatorContext) throws -> ONNXArray {
        guard let raw = context.int("to"), let type = ONNXElementType(rawValue: Int32(truncatingIfNeeded: raw)) else {
            throw context.fail("cast to \(ONNXElementType.name(of: Int32(truncatingIfNeeded: context.int("to") ?? 0))) is not supported")
        }
        if type.isFloatingPoint {
            // float16/bfloat16/double targets are held as Float: the runtime computes in float32.
            return ONNXArray(shape: x.shape, elementType: type, values: .floats(x.floats))
        }
        if type == .bool {
            return ONNXArray(shape: x.shape, elementType: type, values: .integers(x.floats.map { $0 != 0 ? 1 : 0 }))
        }
        return ONNXArray(shape: x.shape, elementType: type, values: .integers(x.integers))
    }
}
