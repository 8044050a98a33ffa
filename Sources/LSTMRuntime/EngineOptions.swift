// Settings of an LSTMEngine beyond the model and the device.
import Foundation

/// How an ``LSTMEngine`` builds its backend and sizes its work.
public struct EngineOptions: Sendable {
    /// Weight storage precision on OpenCL devices (the CPU reference always uses the fp32 weights).
    public var weightPrecision: WeightPrecision
    /// Kernel tunables; `nil` means the tuning cache's entry, else the device defaults.
    public var tuning: KernelTuning?
    /// Cap on device memory used for activations, in bytes; `nil` reads
    /// `LSTM_DEVICE_MEMORY_LIMIT` (bytes, with an optional K, M or G suffix), else the device's size.
    public var deviceMemoryLimit: Int?
    /// Receives one-line notices (such as falling back to the CPU); stderr by default.
    public var notice: @Sendable (String) -> Void
    /// Fill every device buffer a pass must write with NaN before the pass, so an element a
    /// kernel fails to write shows up in verification (`lstm verify`). No effect on the CPU.
    public var poisonsWorkspace: Bool
    /// Which kernel family runs on an OpenCL device: `auto` picks by device type.
    public var kernels: KernelSelection
    /// Tunables of the GPU kernel family; `nil` uses its defaults.
    public var gpuTuning: GPUKernelTuning?

    /// Creates options; every argument has the default a plain forward pass wants.
    public init(
        weightPrecision: WeightPrecision = .float32, tuning: KernelTuning? = nil, deviceMemoryLimit: Int? = nil,
        notice: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(("notice: " + $0 + "\n").utf8)) },
        poisonsWorkspace: Bool = false, kernels: KernelSelection = .auto, gpuTuning: GPUKernelTuning? = nil
    ) {
        self.kernels = kernels
        self.gpuTuning = gpuTuning
        self.weightPrecision = weightPrecision
        self.tuning = tuning
        self.deviceMemoryLimit = deviceMemoryLimit
        self.notice = notice
        self.poisonsWorkspace = poisonsWorkspace
    }

    /// Environment variable read when ``deviceMemoryLimit`` is `nil`.
    public static let memoryLimitVariable = "LSTM_DEVICE_MEMORY_LIMIT"

    /// Parses a byte count such as `1048576`, `512K`, `64M` or `2G`.
    public static func parseByteCount(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = trimmed.last, let multiplier = multipliers[last] {
            return Int(trimmed.dropLast()).flatMap { $0 >= 0 ? $0 * multiplier : nil }
        }
        return Int(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// The effective cap: the option, else the environment variable, else `nil`.
    func resolvedMemoryLimit() throws -> Int? {
        if let deviceMemoryLimit { return deviceMemoryLimit }
        guard let text = ProcessInfo.processInfo.environment[Self.memoryLimitVariable], !text.isEmpty else { return nil }
        guard let bytes = Self.parseByteCount(text) else {
            throw RuntimeError.invalidMemoryLimit(text)
        }
        return bytes
    }
}
