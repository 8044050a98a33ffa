// The one error type of the file-format layer: every reader and writer failure, naming the file.

/// A weight or data file that cannot be read or written, with a message naming the file
/// and saying what is wrong in words a user can act on.
///
/// Every case carries `path`: the file's path, or the `source` name passed to a `decode`
/// function. Tensor-level cases also name the tensor (safetensors) where there is one.
public enum FormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read at all (missing, a folder, no permission).
    case cannotRead(path: String, reason: String)
    /// The file ends before a required part; `needed` and `available` are byte counts.
    case truncated(path: String, part: String, needed: Int, available: Int)
    /// A header length field points past the end of the file.
    case headerLengthExceedsFile(path: String, headerLength: UInt64, fileSize: Int)
    /// A header length field is larger than any sane header (a sign of a corrupt or hostile file).
    case headerTooLarge(path: String, headerLength: UInt64, limit: UInt64)
    /// The file does not start with the magic bytes of the expected format.
    case badMagic(path: String, expected: String)
    /// The format version is one this reader does not know.
    case unsupportedVersion(path: String, version: String, supported: [String])
    /// The header is not well-formed (not UTF-8, not JSON, not a dictionary literal, missing keys).
    case malformedHeader(path: String, reason: String)
    /// One tensor's header entry lacks a field or has a field of the wrong type.
    case malformedEntry(path: String, tensor: String, reason: String)
    /// A shape is unusable: a negative or non-integer dimension, or a size that overflows.
    case invalidShape(path: String, tensor: String?, reason: String)
    /// The element type is unknown or not one the called function can convert.
    case unsupportedDataType(path: String, tensor: String?, dtype: String, accepted: [String])
    /// A tensor's `data_offsets` are reversed or reach past the data buffer.
    case invalidDataOffsets(path: String, tensor: String, begin: Int, end: Int, bufferSize: Int)
    /// The bytes stored for a tensor differ from what its shape and element type need.
    case dataSizeMismatch(path: String, tensor: String?, expectedBytes: Int, actualBytes: Int)
    /// Extra bytes follow the last element of the array.
    case trailingBytes(path: String, count: Int)
    /// An integer element does not fit in `Int`.
    case integerOutOfRange(path: String, value: String)
    /// A tensor cannot be written: a reserved name such as `__metadata__`, or `values`
    /// whose count no longer matches `shape`.
    case unwritableTensor(name: String, reason: String)
    /// The folder a file should be written into does not exist.
    case folderMissing(path: String, folder: String)
    /// Writing or renaming the file failed; nothing was left behind.
    case writeFailed(path: String, reason: String)

    /// The message for the user: the file's path, then what is wrong and, where it helps, what to do.
    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): cannot read the file: \(reason)"
        case .truncated(let path, let part, let needed, let available):
            return "\(path): file is truncated: the \(part) needs \(needed) bytes but only \(available) remain"
        case .headerLengthExceedsFile(let path, let length, let size):
            return "\(path): header length \(length) exceeds file size \(size); the file is truncated or not in this format"
        case .headerTooLarge(let path, let length, let limit):
            return "\(path): header length \(length) exceeds the limit of \(limit) bytes; the file is corrupt or not in this format"
        case .badMagic(let path, let expected):
            return "\(path): not a \(expected) file (the magic bytes at the start are wrong)"
        case .unsupportedVersion(let path, let version, let supported):
            return "\(path): format version \(version) is not supported (supported: \(supported.joined(separator: ", ")))"
        case .malformedHeader(let path, let reason):
            return "\(path): malformed header: \(reason)"
        case .malformedEntry(let path, let tensor, let reason):
            return "\(path): tensor '\(tensor)': malformed header entry: \(reason)"
        case .invalidShape(let path, let tensor, let reason):
            return "\(path): \(Self.subject(tensor))invalid shape: \(reason)"
        case .unsupportedDataType(let path, let tensor, let dtype, let accepted):
            return "\(path): \(Self.subject(tensor))dtype '\(dtype)' is not supported here; accepted: \(accepted.joined(separator: ", "))"
        case .invalidDataOffsets(let path, let tensor, let begin, let end, let size):
            let problem = begin > end
                ? "begin is after end"
                : "the range reaches past the end of the \(size)-byte data buffer"
            return "\(path): tensor '\(tensor)': data_offsets [\(begin), \(end)] are invalid: \(problem)"
        case .dataSizeMismatch(let path, let tensor, let expected, let actual):
            return "\(path): \(Self.subject(tensor))shape and dtype need \(expected) bytes of data but \(actual) are stored"
        case .trailingBytes(let path, let count):
            return "\(path): \(count) unexpected bytes follow the array data; the file is corrupt or not a single array"
        case .integerOutOfRange(let path, let value):
            return "\(path): integer element \(value) does not fit in a 64-bit signed Int"
        case .unwritableTensor(let name, let reason):
            return "cannot write tensor named '\(name)': \(reason)"
        case .folderMissing(let path, let folder):
            return "\(path): cannot write: folder \(folder) does not exist"
        case .writeFailed(let path, let reason):
            return "\(path): writing failed: \(reason); the file was left unchanged"
        }
    }

    private static func subject(_ tensor: String?) -> String {
        tensor.map { "tensor '\($0)': " } ?? ""
    }
}
