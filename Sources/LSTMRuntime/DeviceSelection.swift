// Which backend a forward pass runs on, as the CLI's `--device` spells it.

/// The backend to run on: `auto`, `cpu`, `opencl` (the first OpenCL device) or `opencl:N`.
public enum DeviceSelection: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The first GPU, else the first OpenCL device, else the CPU reference (with a notice).
    case auto
    /// The CPU reference implementation.
    case cpu
    /// An OpenCL device by its index in `lstm devices`, or the first one when `nil`.
    case opencl(index: Int?)

    /// Parses `auto`, `cpu`, `opencl` or `opencl:N`.
    public init(parsing text: String) throws {
        let lowered = text.lowercased()
        switch lowered {
        case "auto": self = .auto
        case "cpu": self = .cpu
        case "opencl": self = .opencl(index: nil)
        default:
            guard lowered.hasPrefix("opencl:"), let index = Int(lowered.dropFirst("opencl:".count)), index >= 0 else {
                throw RuntimeError.invalidDeviceSelection(text)
            }
            self = .opencl(index: index)
        }
    }

    /// The CLI spelling, which ``init(parsing:)`` reads back.
    public var description: String {
        switch self {
        case .auto: return "auto"
        case .cpu: return "cpu"
        case .opencl(let index): return index.map { "opencl:\($0)" } ?? "opencl"
        }
    }
}
