// Reading safetensors files (the Hugging Face weight format) into `Tensor`s, converting
// F16, BF16 and F64 to Float, and rejecting corrupt files with a `FormatError`.

import Foundation
import LSTMCore

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON header
/// `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}`, then the
/// data buffer that the offsets index into.
public enum SafeTensors {
    /// Headers larger than this are treated as corrupt rather than allocated.
    public static let maximumHeaderLength: UInt64 = 100_000_000

    /// The dtypes that can be read, each converted to `Float`.
    public static let readableDataTypes = ["F32", "F16", "BF16", "F64"]

    /// Reads every tensor in the file at `url`; `__metadata__` is ignored.
    ///
    /// - Throws: ``FormatError`` naming the file and the problem.
    public static func read(contentsOf url: URL) throws -> [String: Tensor] {
        try decode(FileContents.read(url), source: url.path)
    }

    /// Decodes the bytes of a safetensors file; `source` names it in error messages.
    ///
    /// Checks, before allocating anything large: the header length against the file size
    /// and ``maximumHeaderLength``; the header is a UTF-8 JSON object; every entry has a
    /// string dtype, a shape of non-negative integers whose size does not overflow, and
    /// data offsets inside the buffer that span exactly the bytes the shape needs.
    ///
    /// - Throws: ``FormatError``.
    public static func decode(_ data: Data, source: String) throws -> [String: Tensor] {
        try data.withUnsafeBytes { try decode($0, source: source) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, source: String) throws -> [String: Tensor] {
        guard bytes.count >= 8 else {
            throw FormatError.truncated(path: source, part: "header length field", needed: 8, available: bytes.count)
        }
        let headerLength = ElementDecoding.load(UInt64.self, bytes, 0, .little)
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw FormatError.headerLengthExceedsFile(path: source, headerLength: headerLength, fileSize: bytes.count)
        }
        guard headerLength <= maximumHeaderLength else {
            throw FormatError.headerTooLarge(path: source, headerLength: headerLength, limit: maximumHeaderLength)
        }
        let bufferStart = 8 + Int(headerLength)
        let entries = try SafeTensorsHeader.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<bufferStart]), source: source)
        let bufferSize = bytes.count - bufferStart

        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(entries.count)
        for entry in entries {
            let storage = try floatStorage(entry, source: source)
            guard let count = Tensor.elementCount(of: entry.shape) else {
                throw FormatError.invalidShape(path: source, tensor: entry.name, reason: "the element count of \(entry.shape) overflows")
            }
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: storage.size)
            guard !overflow else {
                throw FormatError.invalidShape(path: source, tensor: entry.name, reason: "the byte size of \(entry.shape) overflows")
            }
            guard entry.begin <= entry.end, entry.end <= bufferSize else {
                throw FormatError.invalidDataOffsets(
                    path: source, tensor: entry.name, begin: entry.begin, end: entry.end, bufferSize: bufferSize)
            }
            guard entry.end - entry.begin == byteCount else {
                throw FormatError.dataSizeMismatch(
                    path: source, tensor: entry.name, expectedBytes: byteCount, actualBytes: entry.end - entry.begin)
            }
            let values = ElementDecoding.floats(
                bytes, offset: bufferStart + entry.begin, count: count, storage: storage, order: .little)
            do {
                tensors[entry.name] = try Tensor(shape: entry.shape, values: values)
            } catch {
                throw FormatError.invalidShape(path: source, tensor: entry.name, reason: "\(error)")
            }
        }
        return tensors
    }

    private static func floatStorage(_ entry: SafeTensorsEntry, source: String) throws -> FloatStorage {
        switch entry.dtype {
        case "F32": return .float32
        case "F16": return .float16
        case "BF16": return .bfloat16
        case "F64": return .float64
        default:
            throw FormatError.unsupportedDataType(
                path: source, tensor: entry.name, dtype: entry.dtype, accepted: readableDataTypes)
        }
    }
}
