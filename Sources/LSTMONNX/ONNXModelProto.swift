// The parts of ONNX's ModelProto this runtime reads, as plain values. Field numbers follow
// onnx/onnx.proto (IR version 3 and later); fields not listed are skipped when decoding.

import Foundation

/// A decoded `.onnx` file: the main graph and the operator sets it imports.
public struct ONNXModel: Sendable {
    public var irVersion: Int64 = 0
    /// Operator-set versions by domain (`""` is the default ONNX domain).
    public var opsets: [String: Int64] = [:]
    public var producer = ""
    public var graph = ONNXGraph()

    /// The default-domain opset (`""` or `ai.onnx`), or `nil` when the model does not import it.
    public var defaultOpset: Int64? { opsets[""] ?? opsets["ai.onnx"] }
}

/// `GraphProto`: nodes, initializers and the declared inputs and outputs.
public struct ONNXGraph: Sendable {
    public var name = ""
    public var nodes: [ONNXNode] = []
    public var initializers: [ONNXTensor] = []
    public var inputs: [ONNXValueInfo] = []
    public var outputs: [ONNXValueInfo] = []
}

/// `NodeProto`: one operator application. An empty input name is an omitted optional input.
public struct ONNXNode: Sendable {
    public var name = ""
    public var opType = ""
    public var domain = ""
    public var inputs: [String] = []
    public var outputs: [String] = []
    public var attributes: [ONNXAttribute] = []

    /// The node's name, or a stand-in naming its op and first output when it has none.
    public var displayName: String {
        name.isEmpty ? "\(opType) → \(outputs.first ?? "?")" : name
    }

    public func attribute(_ name: String) -> ONNXAttribute? { attributes.first { $0.name == name } }

    /// The input at `index`, or `nil` when it is absent or omitted (`""`).
    public func input(_ index: Int) -> String? {
        index < inputs.count && !inputs[index].isEmpty ? inputs[index] : nil
    }
}

/// `AttributeProto`: the value fields that are set, whatever `type` says.
public struct ONNXAttribute: Sendable {
    public var name = ""
    /// `AttributeProto.AttributeType` (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS, 8 STRINGS, ...).
    public var type: Int64 = 0
    public var float: Float?
    public var int: Int64?
    public var string: Data?
    public var tensor: ONNXTensor?
    public var floats: [Float] = []
    public var ints: [Int64] = []
    public var strings: [Data] = []
    /// Whether the attribute holds a graph (If, Loop and Scan bodies), which is not decoded.
    public var holdsGraph = false

    public var text: String? { string.map { String(decoding: $0, as: UTF8.self) } }
    public var texts: [String] { strings.map { String(decoding: $0, as: UTF8.self) } }
}

/// `ValueInfoProto` of a tensor: its name, element type and shape (a dim is a size or a symbol).
public struct ONNXValueInfo: Sendable {
    public enum Dimension: Sendable, Equatable, CustomStringConvertible {
        case size(Int64)
        case symbol(String)
        case unknown

        public var description: String {
            switch self {
            case .size(let value): return "\(value)"
            case .symbol(let name): return name
            case .unknown: return "?"
            }
        }
    }

    public var name = ""
    /// `TensorProto.DataType`, 0 when not a tensor or not given.
    public var elementType: Int32 = 0
    /// `nil` when the shape is not given.
    public var shape: [Dimension]?

    /// `[T, B, 4]`, `[?]`, or `(shape unknown)`.
    public var shapeText: String {
        shape.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" } ?? "(shape unknown)"
    }
}

/// `TensorProto` as stored: dims, element type and where the data lies (not yet decoded).
public struct ONNXTensor: Sendable {
    public var name = ""
    public var dims: [Int64] = []
    public var dataType: Int32 = 0
    public var rawData: Data?
    public var floatData: [Float] = []
    public var int32Data: [Int64] = []
    public var int64Data: [Int64] = []
    public var doubleData: [Double] = []
    public var uint64Data: [Int64] = []
    /// `data_location == EXTERNAL`.
    public var isExternal = false
    /// `external_data` key-value pairs (`location`, `offset`, `length`, `checksum`).
    public var externalData: [String: String] = [:]
}
