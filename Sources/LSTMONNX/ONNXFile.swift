// Reading a `.onnx` file: the protobuf model, its initializers decoded (external data
// included) and its nodes checked and ordered.

import Foundation

/// A parsed, checked ONNX model: the graph, its initializers as arrays and a node order.
public struct ONNXFile: Sendable {
    public let source: String
    public let model: ONNXModel
    /// Initializer arrays by name.
    public let initializers: [String: ONNXArray]
    /// Graph inputs that are not initializers (the ones a caller feeds), in graph order.
    public let feedInputs: [ONNXValueInfo]
    /// Node indices in an order where each value is produced before it is read.
    public let order: [Int]

    public var graph: ONNXGraph { model.graph }

    /// Whether `prefix` (the first bytes of a file) starts like an ONNX ModelProto rather than
    /// a safetensors file (8-byte length, then `{`) or a `.npy` file (`\x93NUMPY`): its first
    /// byte is the key of a ModelProto field with that field's wire type.
    public static func looksLikeONNX(prefix: Data) -> Bool {
        let bytes = [UInt8](prefix.prefix(9))
        guard let first = bytes.first else { return false }
        if bytes.count == 9 && bytes[8] == UInt8(ascii: "{") { return false }
        // ir_version (1) and model_version (5) are varints; producer_name (2), producer_version
        // (3), domain (4), doc_string (6), graph (7), opset_import (8) and metadata_props (14)
        // are length-delimited.
        return [0x08, 0x28, 0x12, 0x1A, 0x22, 0x32, 0x3A, 0x42, 0x72].contains(first)
    }

    /// Reads and checks the model at `url`; external data is looked up beside it.
    ///
    /// - Throws: ``ONNXError``.
    public static func read(contentsOf url: URL) throws -> ONNXFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ONNXError.cannotRead(path: url.path, reason: "no such file")
        }
        guard !isFolder.boolValue else { throw ONNXError.cannotRead(path: url.path, reason: "it is a folder, not a file") }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw ONNXError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
        return try decode(data, source: url.path, folder: url.deletingLastPathComponent())
    }

    /// Decodes model bytes; `folder` is where external data lies (nil: refuse external data).
    ///
    /// - Throws: ``ONNXError``.
    public static func decode(_ data: Data, source: String, folder: URL? = nil) throws -> ONNXFile {
        let model = try data.withUnsafeBytes { try ONNXDecoder.model($0, source: source) }
        var initializers: [String: ONNXArray] = [:]
        for tensor in model.graph.initializers {
            guard initializers[tensor.name] == nil else {
                throw ONNXError.invalidGraph(path: source, reason: "initializer '\(tensor.name)' is given twice")
            }
            initializers[tensor.name] = try ONNXTensorDecoding.array(tensor, folder: folder, source: source)
        }
        let feeds = model.graph.inputs.filter { initializers[$0.name] == nil }
        var defined = Set(initializers.keys)
        for input in feeds {
            guard defined.insert(input.name).inserted else {
                throw ONNXError.invalidGraph(path: source, reason: "graph input '\(input.name)' is declared twice")
            }
        }
        let order = try ONNXGraphOrder.sorted(model.graph, defined: defined, source: source)
        return ONNXFile(source: source, model: model, initializers: initializers, feedInputs: feeds, order: order)
    }
}
