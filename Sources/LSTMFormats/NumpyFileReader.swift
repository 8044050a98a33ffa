// Reading NumPy .npy files (versions 1.0, 2.0 and 3.0): float arrays as `Tensor`, integer
// arrays as shape plus `[Int]`, with Fortran order and big-endian data converted.

import Foundation
import LSTMCore

/// The NumPy `.npy` format: the magic `\x93NUMPY`, a version, a little-endian header length,
/// a Python dictionary literal header, then the raw array data.
public enum NumpyFile {
    /// Reads a float array (`f2`, `f4` or `f8`, either byte order) as a `Float` tensor in C order.
    ///
    /// - Throws: ``FormatError`` naming the file and the problem.
    public static func readFloats(contentsOf url: URL) throws -> Tensor {
        try decodeFloats(FileContents.read(url), source: url.path)
    }

    /// Reads an integer array (`i1`…`i8`, `u1`…`u8`, either byte order) as its shape and
    /// values in C order.
    ///
    /// - Throws: ``FormatError``, including ``FormatError/integerOutOfRange(path:value:)``
    ///   for an unsigned value above `Int.max`.
    public static func readIntegers(contentsOf url: URL) throws -> (shape: [Int], values: [Int]) {
        try decodeIntegers(FileContents.read(url), source: url.path)
    }

    /// Decodes the bytes of a float `.npy` file; `source` names it in error messages.
    ///
    /// - Throws: ``FormatError``: bad magic, unknown version, truncated or garbage header,
    ///   a dtype other than f2/f4/f8, an overflowing shape, missing or trailing data.
    public static func decodeFloats(_ data: Data, source: String) throws -> Tensor {
        try data.withUnsafeBytes { bytes in
            let array = try NumpyArrayLayout(bytes, source: source)
            guard case .float(let storage, let order)? = NumpyDataType(descr: array.header.descr) else {
                throw FormatError.unsupportedDataType(
                    path: source, tensor: nil, dtype: array.header.descr, accepted: NumpyDataType.floatDescriptions)
            }
            let values = ElementDecoding.floats(
                bytes, offset: array.dataOffset, count: array.count, storage: storage, order: order)
            let shape = array.header.shape
            let ordered = array.header.fortranOrder ? FortranOrder.toRowMajor(values, shape: shape) : values
            do {
                return try Tensor(shape: shape, values: ordered)
            } catch {
                throw FormatError.invalidShape(path: source, tensor: nil, reason: "\(error)")
            }
        }
    }

    /// Decodes the bytes of an integer `.npy` file; `source` names it in error messages.
    ///
    /// - Throws: ``FormatError``, as ``decodeFloats(_:source:)`` but accepting only integer dtypes.
    public static func decodeIntegers(_ data: Data, source: String) throws -> (shape: [Int], values: [Int]) {
        try data.withUnsafeBytes { bytes in
            let array = try NumpyArrayLayout(bytes, source: source)
            guard case .integer(let storage, let order)? = NumpyDataType(descr: array.header.descr) else {
                throw FormatError.unsupportedDataType(
                    path: source, tensor: nil, dtype: array.header.descr, accepted: NumpyDataType.integerDescriptions)
            }
            let decoded = ElementDecoding.integers(
                bytes, offset: array.dataOffset, count: array.count, storage: storage, order: order)
            switch decoded {
            case .failure(let overflow):
                throw FormatError.integerOutOfRange(path: source, value: String(overflow.value))
            case .success(let values):
                let shape = array.header.shape
                return (shape, array.header.fortranOrder ? FortranOrder.toRowMajor(values, shape: shape) : values)
            }
        }
    }
}

/// Where a .npy file's parts lie, with every size checked against the file.
struct NumpyArrayLayout {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    static let supportedVersions = ["1.0", "2.0", "3.0"]

    var header: NumpyHeader
    /// Byte offset of the first element.
    var dataOffset: Int
    /// Number of elements; the data holds exactly `count` elements of the header's dtype
    /// when the dtype is one ``NumpyDataType`` knows.
    var count: Int

    init(_ bytes: UnsafeRawBufferPointer, source: String) throws {
        guard bytes.count >= 8 else {
            guard bytes.prefix(6).elementsEqual(Self.magic.prefix(bytes.count)) else {
                throw FormatError.badMagic(path: source, expected: "NumPy .npy")
            }
            throw FormatError.truncated(path: source, part: "magic and version", needed: 8, available: bytes.count)
        }
        guard bytes.prefix(6).elementsEqual(Self.magic) else {
            throw FormatError.badMagic(path: source, expected: "NumPy .npy")
        }
        let lengthSize: Int
        switch (bytes[6], bytes[7]) {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default:
            throw FormatError.unsupportedVersion(
                path: source, version: "\(bytes[6]).\(bytes[7])", supported: Self.supportedVersions)
        }
        guard bytes.count >= 8 + lengthSize else {
            throw FormatError.truncated(path: source, part: "header length field", needed: lengthSize, available: bytes.count - 8)
        }
        let headerLength = lengthSize == 2
            ? Int(ElementDecoding.load(UInt16.self, bytes, 8, .little))
            : Int(ElementDecoding.load(UInt32.self, bytes, 8, .little))
        let headerStart = 8 + lengthSize
        guard headerLength <= bytes.count - headerStart else {
            throw FormatError.headerLengthExceedsFile(path: source, headerLength: UInt64(headerLength), fileSize: bytes.count)
        }
        dataOffset = headerStart + headerLength
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<dataOffset])
        if bytes[6] == 3 {
            guard String(validating: headerBytes, as: UTF8.self) != nil else {
                throw FormatError.malformedHeader(path: source, reason: "a version 3.0 header must be UTF-8")
            }
        }
        header = try NumpyHeaderParser.parse(headerBytes, source: source)

        guard let count = Tensor.elementCount(of: header.shape) else {
            throw FormatError.invalidShape(path: source, tensor: nil, reason: "the element count of \(header.shape) overflows")
        }
        self.count = count
        // Unknown dtypes are reported by the caller, which knows which ones it accepts.
        guard let elementSize = NumpyDataType(descr: header.descr)?.size else { return }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else {
            throw FormatError.invalidShape(path: source, tensor: nil, reason: "the byte size of \(header.shape) overflows")
        }
        let available = bytes.count - dataOffset
        guard byteCount <= available else {
            throw FormatError.truncated(path: source, part: "array data", needed: byteCount, available: available)
        }
        guard byteCount == available else {
            throw FormatError.trailingBytes(path: source, count: available - byteCount)
        }
    }
}
