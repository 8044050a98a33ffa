// The arrays an ONNX fixture feeds (case.json "feeds": graph input name -> .npy file), typed
// as the graph declares each input: integer inputs (sequence_lens) as integers.
import Foundation
import LSTMFormats
import LSTMONNX

/// Reads an ONNX fixture's feed files.
public enum ONNXFeeds {
    /// The fed arrays of `feeds` (input name -> file name in `folder`) for `program`'s inputs.
    public static func read(_ feeds: [String: String], in folder: URL, for program: ONNXProgram) throws -> [String: ONNXArray] {
        var arrays: [String: ONNXArray] = [:]
        for (input, file) in feeds {
            let url = folder.appendingPathComponent(file)
            let declared = program.inputs.first { $0.name == input }.flatMap { ONNXElementType(rawValue: $0.elementType) }
            if let declared, !declared.isFloatingPoint {
                let (shape, values) = try NumpyFile.readIntegers(contentsOf: url)
                arrays[input] = ONNXArray(shape: shape, integers: values.map(Int64.init), type: declared)
            } else {
                let tensor = try NumpyFile.readFloats(contentsOf: url)
                arrays[input] = ONNXArray(shape: tensor.shape, floats: tensor.values)
            }
        }
        return arrays
    }
}
