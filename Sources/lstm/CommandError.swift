// Errors the command line itself reports (the libraries' errors describe themselves).

/// A problem with the command's arguments or results that is not a usage error.
enum CommandError: Error, CustomStringConvertible {
    /// An output path whose folder does not exist or is not writable.
    case unwritableOutput(flag: String, path: String, reason: String)
    /// Two outputs were given the same path.
    case duplicateOutput(path: String)
    /// A lengths file that is not a one-dimensional array.
    case lengthsNotVector(path: String, shape: [Int])
    /// Slices given to `lstm join` that do not fit together.
    case cannotJoin(reason: String)
    /// `--c0` or `--c-n` for a cell without a c state (GRU).
    case noCellState(flag: String, cell: String)
    /// `verify` or `tune` without an OpenCL device to work on.
    case nothingToCheck(command: String, reason: String)
    /// A flag that only applies to ONNX models, given with another kind of file.
    case onnxOnly(flag: String, path: String)
    /// A flag that does not apply to ONNX models.
    case notForONNX(flag: String, reason: String)
    /// A NAME=PATH binding that is not of that form or names a value twice.
    case badBinding(flag: String, text: String, reason: String)

    var description: String {
        switch self {
        case .unwritableOutput(let flag, let path, let reason):
            return "\(flag) \(path): \(reason); nothing was computed or written"
        case .duplicateOutput(let path):
            return "\(path) is given for two outputs; give each of --output, --h-n and --c-n its own file"
        case .lengthsNotVector(let path, let shape):
            return "\(path): lengths must be a one-dimensional int32 or int64 array [batch], got shape \(shape)"
        case .cannotJoin(let reason):
            return "cannot join: \(reason); nothing was written"
        case .noCellState(let flag, let cell):
            return "\(flag) is for LSTM models: this model is a \(cell), which has no cell state (only h0 / h_n); nothing was computed or written"
        case .nothingToCheck(let command, let reason):
            return "nothing to \(command): \(reason)"
        case .onnxOnly(let flag, let path):
            return "\(flag) bind ONNX graph values, but \(path) is not an ONNX model"
        case .notForONNX(let flag, let reason):
            return "\(flag) does not apply to an ONNX model: \(reason)"
        case .badBinding(let flag, let text, let reason):
            return "\(flag) \(text): \(reason)"
        }
    }
}
