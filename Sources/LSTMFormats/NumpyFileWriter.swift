// Writing a `Tensor` as a NumPy .npy file byte-for-byte as `numpy.save` does for a C-order
// little-endian float32 array: version 1.0 (2.0 only for enormous headers), header padded so
// the data starts on a 64-byte boundary.

import Foundation
import LSTMCore

extension NumpyFile {
    /// Writes `tensor` as a little-endian float32 `.npy` file at `url`, atomically (see ``AtomicFile``).
    ///
    /// - Throws: ``FormatError/unwritableTensor(name:reason:)`` when `values.count` no longer
    ///   matches `shape`; otherwise the errors of ``AtomicFile/write(_:to:)``.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        guard Tensor.elementCount(of: tensor.shape) == tensor.values.count else {
            throw FormatError.unwritableTensor(
                name: url.lastPathComponent,
                reason: "shape \(tensor.shape) does not match its \(tensor.values.count) values")
        }
        try AtomicFile.write(encode(tensor), to: url)
    }

    /// The bytes of a `.npy` file holding `tensor` as `<f4` in C order.
    ///
    /// The header states `tensor.shape` and the data is `tensor.values`; if those disagree
    /// (possible only after mutating `values`), reading the result back fails with a ``FormatError``.
    public static func encode(_ tensor: Tensor) -> Data {
        var data = Data(capacity: 128 + tensor.values.count * 4)
        data.append(contentsOf: encodeHeader(shape: tensor.shape))
        appendLittleEndian(tensor.values, to: &data)
        return data
    }

    /// The header of a `.npy` file holding a `<f4` C-order array of `shape`: magic, version,
    /// length and the padded dictionary, exactly as ``encode(_:)`` writes it. The data follows.
    public static func encodeHeader(shape: [Int]) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // numpy leaves room for the first dimension to grow to 21 digits when appending in place.
        if let first = shape.first {
            header += String(repeating: " ", count: max(0, 21 - String(first).utf8.count))
        }
        // Like numpy: pad to a multiple of 64 (a full 64 when already aligned); version 1.0
        // unless the padded header no longer fits its 16-bit length field.
        let alignment = 64
        let headerAndNewline = header.utf8.count + 1
        var lengthSize = 2
        var padding = alignment - (8 + lengthSize + headerAndNewline) % alignment
        if headerAndNewline + padding > Int(UInt16.max) {
            lengthSize = 4
            padding = alignment - (8 + lengthSize + headerAndNewline) % alignment
        }
        let headerLength = headerAndNewline + padding

        var data: [UInt8] = []
        data.reserveCapacity(8 + lengthSize + headerLength)
        data.append(contentsOf: NumpyArrayLayout.magic)
        data.append(contentsOf: [lengthSize == 2 ? 1 : 2, 0])
        if lengthSize == 2 {
            withUnsafeBytes(of: UInt16(truncatingIfNeeded: headerLength).littleEndian) { data.append(contentsOf: $0) }
        } else {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: headerLength).littleEndian) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: padding))
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
