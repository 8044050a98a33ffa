// A cursor over protobuf wire-format bytes: the four wire types ONNX uses (varint, 64-bit,
// length-delimited, 32-bit), with every length checked against the bytes that remain.
// Hand-written rather than generated: the ONNX subset needs a dozen message types, and a
// small decoder keeps the build free of a protobuf dependency and fuzzable with plain swiftc.

import Foundation

/// The wire type in the low three bits of a field key.
enum WireType: UInt64 {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
}

/// Reads one protobuf message from `bytes[start..<end]`.
struct ProtobufReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int
    /// The file's path, for error messages.
    let source: String
    /// The message being read, e.g. `GraphProto.node[3]`, for error messages.
    let context: String

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, source: String, context: String) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.source = source
        self.context = context
    }

    var isAtEnd: Bool { position >= end }

    /// The next field's number and wire type, or `nil` at the end of the message.
    mutating func nextField() throws -> (number: Int, wire: WireType)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        guard let wire = WireType(rawValue: key & 7), wire != .startGroup, wire != .endGroup else {
            throw ONNXError.malformed(path: source, context: context, reason: "unsupported wire type \(key & 7)")
        }
        let number = key >> 3
        guard number > 0, number <= 536_870_911 else {
            throw ONNXError.malformed(path: source, context: context, reason: "field number \(number) is invalid")
        }
        return (Int(number), wire)
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ONNXError.truncated(path: source, context: "a varint in \(context)") }
            let byte = bytes[position]
            position += 1
            guard shift < 64, shift < 63 || byte <= 1 else {
                throw ONNXError.malformed(path: source, context: context, reason: "a varint is longer than 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func fixed32() throws -> UInt32 {
        guard end - position >= 4 else { throw ONNXError.truncated(path: source, context: "a 32-bit value in \(context)") }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * UInt32(index)) }
        position += 4
        return value
    }

    mutating func fixed64() throws -> UInt64 {
        guard end - position >= 8 else { throw ONNXError.truncated(path: source, context: "a 64-bit value in \(context)") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    /// The range of a length-delimited field's payload; the cursor moves past it.
    mutating func lengthDelimited() throws -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw ONNXError.truncated(path: source, context: "a field of \(length) bytes in \(context)")
        }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// A reader for an embedded message in the payload of the current length-delimited field.
    mutating func message(_ name: String) throws -> ProtobufReader {
        let range = try lengthDelimited()
        return ProtobufReader(bytes, range: range, source: source, context: name)
    }

    mutating func string() throws -> String {
        let range = try lengthDelimited()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    mutating func data() throws -> Data {
        Data(UnsafeRawBufferPointer(rebasing: bytes[try lengthDelimited()]))
    }

    /// Skips a field of wire type `wire` that this decoder does not need.
    mutating func skip(_ wire: WireType) throws {
        switch wire {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .fixed32: _ = try fixed32()
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup, .endGroup:
            throw ONNXError.malformed(path: source, context: context, reason: "groups are not supported")
        }
    }

    /// Throws unless the field has the wire type the schema gives it.
    func expect(_ wire: WireType, is expected: WireType, field: String) throws {
        guard wire == expected else {
            throw ONNXError.malformed(path: source, context: context, reason: "field \(field) has wire type \(wire.rawValue), expected \(expected.rawValue)")
        }
    }

    // MARK: - Repeated scalars, packed or not (proto2 writers emit either)

    mutating func appendInt64s(_ wire: WireType, to values: inout [Int64], field: String) throws {
        if wire == .lengthDelimited {
            var packed = try message(context)
            while !packed.isAtEnd { values.append(Int64(bitPattern: try packed.varint())) }
        } else {
            try expect(wire, is: .varint, field: field)
            values.append(Int64(bitPattern: try varint()))
        }
    }

    mutating func appendFloats(_ wire: WireType, to values: inout [Float], field: String) throws {
        if wire == .lengthDelimited {
            var packed = try message(context)
            guard (packed.end - packed.position) % 4 == 0 else {
                throw ONNXError.malformed(path: source, context: context, reason: "packed \(field) is not a whole number of floats")
            }
            values.reserveCapacity(values.count + (packed.end - packed.position) / 4)
            while !packed.isAtEnd { values.append(Float(bitPattern: try packed.fixed32())) }
        } else {
            try expect(wire, is: .fixed32, field: field)
            values.append(Float(bitPattern: try fixed32()))
        }
    }

    mutating func appendDoubles(_ wire: WireType, to values: inout [Double], field: String) throws {
        if wire == .lengthDelimited {
            var packed = try message(context)
            guard (packed.end - packed.position) % 8 == 0 else {
                throw ONNXError.malformed(path: source, context: context, reason: "packed \(field) is not a whole number of doubles")
            }
            while !packed.isAtEnd { values.append(Double(bitPattern: try packed.fixed64())) }
        } else {
            try expect(wire, is: .fixed64, field: field)
            values.append(Double(bitPattern: try fixed64()))
        }
    }
}
