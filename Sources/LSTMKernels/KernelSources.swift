// Access to the OpenCL kernel sources: embedded in the binary at build time, or read
// from a folder on disk when `LSTM_KERNEL_DIR` is set (for quick kernel edits).
import Foundation

/// The OpenCL C sources of the runtime's kernels, one entry per file in `Kernels/`.
public enum KernelSources {
    /// Environment variable naming a folder whose `.cl` files replace the embedded ones.
    public static let overrideVariable = "LSTM_KERNEL_DIR"

    /// Names of the embedded kernel files, sorted.
    public static var embeddedFileNames: [String] { embeddedKernelFiles.keys.sorted() }

    /// The source of one kernel file, prefixed with a `#line` marker so compiler
    /// messages name the right file and line.
    ///
    /// - Parameter fileName: a file name such as `lstm_step.cl`.
    /// - Returns: the source, or `nil` when no such file exists.
    public static func source(named fileName: String) -> String? {
        let body: String?
        if let folder = ProcessInfo.processInfo.environment[overrideVariable], !folder.isEmpty {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(fileName)
            body = try? String(contentsOf: url, encoding: .utf8)
        } else {
            body = embeddedKernelFiles[fileName]
        }
        return body.map { "#line 1 \"\(fileName)\"\n" + $0 }
    }
}
