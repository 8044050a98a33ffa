// Decoding ModelProto and the messages under it from protobuf bytes. Unknown fields are
// skipped (as protobuf requires); fields with the wrong wire type are errors.

import Foundation

enum ONNXDecoder {
    static func model(_ bytes: UnsafeRawBufferPointer, source: String) throws -> ONNXModel {
        var reader = ProtobufReader(bytes, range: 0..<bytes.count, source: source, context: "ModelProto")
        var model = ONNXModel()
        var sawGraph = false
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wire, is: .varint, field: "ir_version")
                model.irVersion = Int64(bitPattern: try reader.varint())
            case 2:
                try reader.expect(wire, is: .lengthDelimited, field: "producer_name")
                model.producer = try reader.string()
            case 7:
                try reader.expect(wire, is: .lengthDelimited, field: "graph")
                var graphReader = try reader.message("GraphProto")
                model.graph = try graph(&graphReader)
                sawGraph = true
            case 8:
                try reader.expect(wire, is: .lengthDelimited, field: "opset_import")
                var opset = try reader.message("OperatorSetIdProto")
                let (domain, version) = try operatorSet(&opset)
                model.opsets[domain] = version
            default:
                try reader.skip(wire)
            }
        }
        guard sawGraph else {
            throw ONNXError.malformed(path: source, context: "ModelProto", reason: "the model has no graph (is this an ONNX file?)")
        }
        return model
    }

    private static func operatorSet(_ reader: inout ProtobufReader) throws -> (String, Int64) {
        var domain = "", version: Int64 = 0
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wire, is: .lengthDelimited, field: "domain")
                domain = try reader.string()
            case 2:
                try reader.expect(wire, is: .varint, field: "version")
                version = Int64(bitPattern: try reader.varint())
            default: try reader.skip(wire)
            }
        }
        return (domain, version)
    }

    static func graph(_ reader: inout ProtobufReader) throws -> ONNXGraph {
        var graph = ONNXGraph()
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wire, is: .lengthDelimited, field: "node")
                var nodeReader = try reader.message("NodeProto #\(graph.nodes.count)")
                graph.nodes.append(try node(&nodeReader))
            case 2:
                try reader.expect(wire, is: .lengthDelimited, field: "name")
                graph.name = try reader.string()
            case 5:
                try reader.expect(wire, is: .lengthDelimited, field: "initializer")
                var tensorReader = try reader.message("initializer #\(graph.initializers.count)")
                graph.initializers.append(try tensor(&tensorReader))
            case 11, 12:
                try reader.expect(wire, is: .lengthDelimited, field: number == 11 ? "input" : "output")
                var infoReader = try reader.message(number == 11 ? "graph input" : "graph output")
                let info = try valueInfo(&infoReader)
                if number == 11 { graph.inputs.append(info) } else { graph.outputs.append(info) }
            default:
                try reader.skip(wire)
            }
        }
        return graph
    }

    private static func node(_ reader: inout ProtobufReader) throws -> ONNXNode {
        var node = ONNXNode()
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1, 2, 3, 4, 7:
                try reader.expect(wire, is: .lengthDelimited, field: "node field \(number)")
                let text = try reader.string()
                switch number {
                case 1: node.inputs.append(text)
                case 2: node.outputs.append(text)
                case 3: node.name = text
                case 4: node.opType = text
                default: node.domain = text
                }
            case 5:
                try reader.expect(wire, is: .lengthDelimited, field: "attribute")
                var attributeReader = try reader.message("attribute of node '\(node.name)'")
                node.attributes.append(try attribute(&attributeReader))
            default:
                try reader.skip(wire)
            }
        }
        return node
    }

    private static func attribute(_ reader: inout ProtobufReader) throws -> ONNXAttribute {
        var attribute = ONNXAttribute()
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wire, is: .lengthDelimited, field: "name")
                attribute.name = try reader.string()
            case 20:
                try reader.expect(wire, is: .varint, field: "type")
                attribute.type = Int64(bitPattern: try reader.varint())
            case 2:
                try reader.expect(wire, is: .fixed32, field: "f")
                attribute.float = Float(bitPattern: try reader.fixed32())
            case 3:
                try reader.expect(wire, is: .varint, field: "i")
                attribute.int = Int64(bitPattern: try reader.varint())
            case 4:
                try reader.expect(wire, is: .lengthDelimited, field: "s")
                attribute.string = try reader.data()
            case 5:
                try reader.expect(wire, is: .lengthDelimited, field: "t")
                var tensorReader = try reader.message("tensor attribute '\(attribute.name)'")
                attribute.tensor = try tensor(&tensorReader)
            case 6, 11:
                // Subgraph bodies (If, Loop, Scan) are not decoded: no imported op has one.
                try reader.skip(wire)
                attribute.holdsGraph = true
            case 7: try reader.appendFloats(wire, to: &attribute.floats, field: "floats")
            case 8: try reader.appendInt64s(wire, to: &attribute.ints, field: "ints")
            case 9:
                try reader.expect(wire, is: .lengthDelimited, field: "strings")
                attribute.strings.append(try reader.data())
            default:
                try reader.skip(wire)
            }
        }
        return attribute
    }

    static func tensor(_ reader: inout ProtobufReader) throws -> ONNXTensor {
        var tensor = ONNXTensor()
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1: try reader.appendInt64s(wire, to: &tensor.dims, field: "dims")
            case 2:
                try reader.expect(wire, is: .varint, field: "data_type")
                tensor.dataType = Int32(truncatingIfNeeded: Int64(bitPattern: try reader.varint()))
            case 4: try reader.appendFloats(wire, to: &tensor.floatData, field: "float_data")
            case 5: try reader.appendInt64s(wire, to: &tensor.int32Data, field: "int32_data")
            case 7: try reader.appendInt64s(wire, to: &tensor.int64Data, field: "int64_data")
            case 10: try reader.appendDoubles(wire, to: &tensor.doubleData, field: "double_data")
            case 11: try reader.appendInt64s(wire, to: &tensor.uint64Data, field: "uint64_data")
            case 8:
                try reader.expect(wire, is: .lengthDelimited, field: "name")
                tensor.name = try reader.string()
            case 9:
                try reader.expect(wire, is: .lengthDelimited, field: "raw_data")
                tensor.rawData = try reader.data()
            case 13:
                try reader.expect(wire, is: .lengthDelimited, field: "external_data")
                var entry = try reader.message("external_data of '\(tensor.name)'")
                let (key, value) = try keyValue(&entry)
                tensor.externalData[key] = value
            case 14:
                try reader.expect(wire, is: .varint, field: "data_location")
                tensor.isExternal = try reader.varint() == 1
            default:
                try reader.skip(wire)
            }
        }
        return tensor
    }

    private static func keyValue(_ reader: inout ProtobufReader) throws -> (String, String) {
        var key = "", value = ""
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1, 2:
                try reader.expect(wire, is: .lengthDelimited, field: number == 1 ? "key" : "value")
                if number == 1 { key = try reader.string() } else { value = try reader.string() }
            default: try reader.skip(wire)
            }
        }
        return (key, value)
    }

    /// `ValueInfoProto`, reading only a tensor type (`TypeProto.tensor_type`) and its shape.
    private static func valueInfo(_ reader: inout ProtobufReader) throws -> ONNXValueInfo {
        var info = ONNXValueInfo()
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wire, is: .lengthDelimited, field: "name")
                info.name = try reader.string()
            case 2:
                try reader.expect(wire, is: .lengthDelimited, field: "type")
                var type = try reader.message("type of '\(info.name)'")
                while let (typeField, typeWire) = try type.nextField() {
                    guard typeField == 1 else { try type.skip(typeWire); continue }
                    try type.expect(typeWire, is: .lengthDelimited, field: "tensor_type")
                    var tensorType = try type.message("tensor type of '\(info.name)'")
                    try self.tensorType(&tensorType, into: &info)
                }
            default:
                try reader.skip(wire)
            }
        }
        return info
    }

    private static func tensorType(_ reader: inout ProtobufReader, into info: inout ONNXValueInfo) throws {
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wire, is: .varint, field: "elem_type")
                info.elementType = Int32(truncatingIfNeeded: Int64(bitPattern: try reader.varint()))
            case 2:
                try reader.expect(wire, is: .lengthDelimited, field: "shape")
                var shape = try reader.message("shape of '\(info.name)'")
                var dims: [ONNXValueInfo.Dimension] = []
                while let (dimField, dimWire) = try shape.nextField() {
                    guard dimField == 1 else { try shape.skip(dimWire); continue }
                    try shape.expect(dimWire, is: .lengthDelimited, field: "dim")
                    var dimension = try shape.message("dimension of '\(info.name)'")
                    var value = ONNXValueInfo.Dimension.unknown
                    while let (field, fieldWire) = try dimension.nextField() {
                        switch field {
                        case 1:
                            try dimension.expect(fieldWire, is: .varint, field: "dim_value")
                            value = .size(Int64(bitPattern: try dimension.varint()))
                        case 2:
                            try dimension.expect(fieldWire, is: .lengthDelimited, field: "dim_param")
                            value = .symbol(try dimension.string())
                        default: try dimension.skip(fieldWire)
                        }
                    }
                    dims.append(value)
                }
                info.shape = dims
            default:
                try reader.skip(wire)
            }
        }
    }
}
