// Errors about devices and running, with what the user can do about them.

/// A problem choosing or using a device.
public enum RuntimeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `--device` text that is not `auto`, `cpu`, `opencl` or `opencl:N`.
    case invalidDeviceSelection(String)
    /// OpenCL was asked for but no platform or device exists.
    case noOpenCLDevice
    /// `opencl:N` with N past the last device; lists those that exist.
    case deviceIndexOutOfRange(index: Int, available: [String])
    /// Even one sequence does not fit the device memory available.
    case problemTooLarge(String)
    /// A memory cap that is not a byte count.
    case invalidMemoryLimit(String)

    /// How to install an OpenCL driver, for messages about a missing device.
    public static let installHint =
        "install an OpenCL driver, e.g. on Debian: sudo apt-get install ocl-icd-libopencl1 pocl-opencl-icd (CPU), or your GPU vendor's OpenCL ICD; `clinfo -l` should then list it"

    /// The message for the user, saying what to do.
    public var description: String {
        switch self {
        case .invalidDeviceSelection(let text):
            return "invalid device '\(text)': use auto, cpu, opencl or opencl:N (see `lstm devices`)"
        case .noOpenCLDevice:
            return "no OpenCL device was found. To run on OpenCL, \(RuntimeError.installHint). Use --device cpu for the CPU reference."
        case .deviceIndexOutOfRange(let index, let available):
            let list = available.isEmpty ? "  (none)" : available.enumerated().map { "  opencl:\($0.offset)  \($0.element)" }.joined(separator: "\n")
            return "device opencl:\(index) does not exist; available OpenCL devices:\n\(list)"
        case .problemTooLarge(let message):
            return message
        case .invalidMemoryLimit(let text):
            return "invalid device memory limit '\(text)': give a byte count such as 1048576, 512K, 64M or 2G"
        }
    }
}
