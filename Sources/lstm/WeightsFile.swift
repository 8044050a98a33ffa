// Telling the model files `--weights` takes apart by their content: an ONNX graph or a
// safetensors state dict (whatever the file is named).
import Foundation
import LSTMONNX

enum WeightsFile {
    /// Whether `path` holds an ONNX model. Unreadable files answer false, so that the
    /// safetensors reader reports them as it always has.
    static func isONNX(_ path: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let prefix = (try? handle.read(upToCount: 16)) ?? Data()
        return ONNXFile.looksLikeONNX(prefix: prefix)
    }
}
