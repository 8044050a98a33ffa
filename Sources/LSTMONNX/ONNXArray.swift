// A concrete tensor on the host: what initializers decode to, what constant folding and
// the layout operators compute, and what graph inputs and outputs carry.

/// ONNX's `TensorProto.DataType` values this runtime reads.
public enum ONNXElementType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, bool = 9
    case float16 = 10, double = 11, uint32 = 12, uint64 = 13, bfloat16 = 16

    public var isFloatingPoint: Bool { [.float, .float16, .double, .bfloat16].contains(self) }

    /// Bytes per element in `raw_data`.
    public var byteWidth: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16, .float16, .bfloat16: return 2
        case .float, .int32, .uint32: return 4
        case .int64, .double, .uint64: return 8
        }
    }

    public var description: String {
        switch self {
        case .float: return "float32"
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .uint16: return "uint16"
        case .int16: return "int16"
        case .int32: return "int32"
        case .int64: return "int64"
        case .bool: return "bool"
        case .float16: return "float16"
        case .double: return "float64"
        case .uint32: return "uint32"
        case .uint64: return "uint64"
        case .bfloat16: return "bfloat16"
        }
    }

    /// The ONNX data-type number as text, with its name when known.
    static func name(of raw: Int32) -> String {
        ONNXElementType(rawValue: raw).map { "\($0) (\(raw))" } ?? "data type \(raw)"
    }
}

/// A host tensor: row-major values, floating point kept as Float, integers as Int64.
public struct ONNXArray: Sendable, Equatable {
    public enum Values: Sendable, Equatable {
        case floats([Float])
        case integers([Int64])

        var count: Int {
            switch self {
            case .floats(let values): return values.count
            case .integers(let values): return values.count
            }
        }
    }

    public var shape: [Int]
    public var elementType: ONNXElementType
    public var values: Values

    /// The caller guarantees `values.count` is the product of `shape` and that the storage
    /// kind matches `elementType` (floats for floating-point types, integers otherwise).
    public init(shape: [Int], elementType: ONNXElementType, values: Values) {
        self.shape = shape
        self.elementType = elementType
        self.values = values
    }

    public init(shape: [Int], floats: [Float]) {
        self.init(shape: shape, elementType: .float, values: .floats(floats))
    }

    public init(shape: [Int], integers: [Int64], type: ONNXElementType = .int64) {
        self.init(shape: shape, elementType: type, values: .integers(integers))
    }

    public var count: Int { values.count }

    /// The values as Float (integers converted).
    public var floats: [Float] {
        switch values {
        case .floats(let values): return values
        case .integers(let values): return values.map { Float($0) }
        }
    }

    /// The values as Int64 (floating point truncated toward zero, as Cast does; NaN and
    /// out-of-range values become 0 rather than trapping).
    public var integers: [Int64] {
        switch values {
        case .integers(let values): return values
        case .floats(let values):
            return values.map { value in
                value.isFinite && abs(value) < 9.2e18 ? Int64(value) : 0
            }
        }
    }

    /// The element at flat index `index`, in the array's own storage.
    func element(_ index: Int) -> Values.Element {
        switch values {
        case .floats(let values): return .float(values[index])
        case .integers(let values): return .integer(values[index])
        }
    }

    /// A new array of the same type holding `indices` of this one, in that order.
    func gathering(_ indices: [Int], shape: [Int]) -> ONNXArray {
        switch values {
        case .floats(let values): return ONNXArray(shape: shape, elementType: elementType, values: .floats(indices.map { values[$0] }))
        case .integers(let values): return ONNXArray(shape: shape, elementType: elementType, values: .integers(indices.map { values[$0] }))
        }
    }

    /// The same values under another shape of equal element count (checked by the caller).
    func reshaped(_ shape: [Int]) -> ONNXArray {
        ONNXArray(shape: shape, elementType: elementType, values: values)
    }
}

extension ONNXArray.Values {
    enum Element { case float(Float), integer(Int64) }
}

/// Row-major strides of `shape`.
func strides(of shape: [Int]) -> [Int] {
    var result = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in shape.indices.reversed() {
        result[axis] = running
        running *= shape[axis]
    }
    return result
}
