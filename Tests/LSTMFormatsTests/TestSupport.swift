// Helpers of the format tests: building file bytes by hand and naming error cases
// (temporary folders and bitwise comparisons come from LSTMTestSupport).

import Foundation
import LSTMCore
@testable import LSTMFormats
import Testing

extension FormatError {
    /// The case name, e.g. "truncated", so tests can assert the kind without the message.
    var kind: String {
        Mirror(reflecting: self).children.first?.label ?? "\(self)"
    }
}

/// Little-endian bytes of fixed-width integers and floats.
enum Bytes {
    static func little<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }

    static func big<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    static func littleFloats(_ values: [Float]) -> [UInt8] {
        values.flatMap { little($0.bitPattern) }
    }
}

/// A safetensors file from a header text and a data buffer, exactly as given (no padding).
func safetensorsBytes(header: String, data: [UInt8] = []) -> Data {
    let headerBytes = Array(header.utf8)
    return Data(Bytes.little(UInt64(headerBytes.count)) + headerBytes + data)
}

/// A .npy file from a header dictionary text and data, padded the way numpy pads.
func npyBytes(_ dictionary: String, data: [UInt8], version: UInt8 = 1) -> Data {
    let lengthSize = version == 1 ? 2 : 4
    var header = Array(dictionary.utf8)
    let padding = 64 - (8 + lengthSize + header.count + 1) % 64
    header += Array(repeating: UInt8(ascii: " "), count: padding) + [UInt8(ascii: "\n")]
    let length = version == 1 ? Bytes.little(UInt16(header.count)) : Bytes.little(UInt32(header.count))
    return Data([0x93] + Array("NUMPY".utf8) + [version, 0] + length + header + data)
}

/// The header dictionary numpy writes.
func npyDictionary(descr: String, fortran: Bool = false, shape: String) -> String {
    "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
}

/// Runs `body`, expecting a `FormatError` of the given kind; returns it for further checks.
@discardableResult
func expectFormatError(
    _ kind: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> FormatError? {
    do {
        try body()
        Issue.record("expected FormatError.\(kind), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as FormatError {
        #expect(error.kind == kind, "got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected FormatError.\(kind), got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
