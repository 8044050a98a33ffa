// A tiny protobuf writer for building ONNX models byte by byte in tests: well-formed ones,
// and ones broken in exactly one place.
import Foundation

struct ProtobufWriter {
    private(set) var data = Data()

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            data.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        data.append(UInt8(value))
    }

    mutating func key(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }

    mutating func int(_ field: Int, _ value: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func bytes(_ field: Int, _ payload: Data) {
        key(field, 2)
        varint(UInt64(payload.count))
        data.append(payload)
    }

    mutating func string(_ field: Int, _ text: String) { bytes(field, Data(text.utf8)) }

    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(field, inner.data)
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }
}

/// Builders for the ONNX messages the tests need, field numbers as in onnx.proto.
enum ONNXBuilder {
    static func model(opset: Int64 = 14, graph: (inout ProtobufWriter) -> Void) -> Data {
        var writer = ProtobufWriter()
        writer.int(1, 8)
        writer.message(8) { $0.string(1, ""); $0.int(2, opset) }
        writer.message(7, graph)
        return writer.data
    }

    /// A float tensor with raw_data (or with float_data when `typed`).
    static func floatTensor(_ name: String, dims: [Int64], values: [Float], typed: Bool = false) -> (inout ProtobufWriter) -> Void {
        { writer in
            for dim in dims { writer.int(1, dim) }
            writer.int(2, 1)
            writer.string(8, name)
            if typed {
                for value in values { writer.float(4, value) }
            } else {
                var raw = Data()
                for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
                writer.bytes(9, raw)
            }
        }
    }

    static func node(_ op: String, inputs: [String], outputs: [String], name: String = "",
                     attributes: [(inout ProtobufWriter) -> Void] = []) -> (inout ProtobufWriter) -> Void {
        { writer in
            for input in inputs { writer.string(1, input) }
            for output in outputs { writer.string(2, output) }
            if !name.isEmpty { writer.string(3, name) }
            writer.string(4, op)
            for attribute in attributes { writer.message(5, attribute) }
        }
    }

    static func intAttribute(_ name: String, _ value: Int64) -> (inout ProtobufWriter) -> Void {
        { $0.string(1, name); $0.int(20, 2); $0.int(3, value) }
    }

    static func intsAttribute(_ name: String, _ values: [Int64]) -> (inout ProtobufWriter) -> Void {
        { writer in
            writer.string(1, name)
            writer.int(20, 7)
            for value in values { writer.int(8, value) }
        }
    }

    static func valueInfo(_ name: String, type: Int64 = 1, dims: [Int64]) -> (inout ProtobufWriter) -> Void {
        { writer in
            writer.string(1, name)
            writer.message(2) { type_ in
                type_.message(1) { tensor in
                    tensor.int(1, type)
                    tensor.message(2) { shape in
                        for dim in dims { shape.message(1) { $0.int(1, dim) } }
                    }
                }
            }
        }
    }
}
