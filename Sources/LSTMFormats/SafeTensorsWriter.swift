// Writing `Tensor`s as an F32 safetensors file laid out the way the reference implementation
// does: keys sorted, header padded with spaces to a multiple of 8, data in key order.

import Foundation
import LSTMCore

extension SafeTensors {
    /// Writes `tensors` as F32 to `url` atomically (see ``AtomicFile``).
    ///
    /// - Throws: ``FormatError/unwritableTensor(name:reason:)`` for a reserved name or a tensor
    ///   whose value count does not match its shape; otherwise the errors of ``AtomicFile/write(_:to:)``.
    public static func write(_ tensors: [String: Tensor], to url: URL) throws {
        try AtomicFile.write(encode(tensors), to: url)
    }

    /// The bytes of an F32 safetensors file holding `tensors`, with no `__metadata__`.
    ///
    /// - Throws: ``FormatError/unwritableTensor(name:reason:)`` for the reserved name
    ///   `__metadata__` or a tensor whose `values.count` differs from its shape's element count.
    public static func encode(_ tensors: [String: Tensor]) throws -> Data {
        let names = tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var header = "{"
        var offset = 0
        for (index, name) in names.enumerated() {
            guard let tensor = tensors[name] else { continue }
            guard name != SafeTensorsHeader.metadataKey else {
                throw FormatError.unwritableTensor(name: name, reason: "the name is reserved for file metadata")
            }
            guard Tensor.elementCount(of: tensor.shape) == tensor.values.count else {
                throw FormatError.unwritableTensor(
                    name: name, reason: "shape \(tensor.shape) does not match its \(tensor.values.count) values")
            }
            let end = offset + tensor.values.count * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            header += index == 0 ? "" : ","
            header += "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        headerBytes += Array(repeating: UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)

        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for name in names {
            guard let tensor = tensors[name] else { continue }
            appendLittleEndian(tensor.values, to: &data)
        }
        return data
    }

    /// A JSON string literal for `text`, escaping quotes, backslashes and control characters.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Appends `values` as little-endian IEEE 754 binary32.
func appendLittleEndian(_ values: [Float], to data: inout Data) {
    #if _endian(little)
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    #else
    for value in values {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }
    #endif
}
