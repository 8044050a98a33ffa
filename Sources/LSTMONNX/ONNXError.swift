// The one error type of the ONNX layer: malformed files, graphs this runtime cannot import,
// and feeds that do not fit the graph. Every message names the file, node or value.

/// An ONNX model that cannot be read, imported or run, with a message a user can act on.
public enum ONNXError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read at all.
    case cannotRead(path: String, reason: String)
    /// The protobuf bytes end inside a field, or a length points past the end of its message.
    case truncated(path: String, context: String)
    /// The protobuf bytes are not well-formed (bad varint, unknown wire type, wrong field type).
    case malformed(path: String, context: String, reason: String)
    /// A tensor (initializer, Constant value or attribute) is unusable: its dims, data type or data.
    case invalidTensor(path: String, tensor: String, reason: String)
    /// An initializer's external data is missing, outside the model's folder, or too short.
    case externalData(path: String, tensor: String, reason: String)
    /// The graph is not a valid ONNX graph: a cycle, an undefined value, two producers of a name.
    case invalidGraph(path: String, reason: String)
    /// A node this runtime does not import, or imports only in part; names the node, its op and why.
    case unsupportedNode(node: String, op: String, reason: String)
    /// A graph input or output named on the command line (or by default) that the graph lacks,
    /// or a fed array that does not fit the graph.
    case binding(String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): cannot read the file: \(reason)"
        case .truncated(let path, let context):
            return "\(path): ONNX file is truncated: \(context) reaches past the end of the data"
        case .malformed(let path, let context, let reason):
            return "\(path): not a valid ONNX (protobuf) file: \(context): \(reason)"
        case .invalidTensor(let path, let tensor, let reason):
            return "\(path): tensor '\(tensor)': \(reason)"
        case .externalData(let path, let tensor, let reason):
            return "\(path): tensor '\(tensor)': external data: \(reason)"
        case .invalidGraph(let path, let reason):
            return "\(path): invalid ONNX graph: \(reason)"
        case .unsupportedNode(let node, let op, let reason):
            return "node '\(node)' (op \(op)): \(reason)"
        case .binding(let message):
            return message
        }
    }
}
