// Which kernel family runs a model: the CPU family (Kernels/lstm_*.cl: one work-item per
// panel of 8 units, persistent spin-barrier recurrence on CPU devices) or the GPU family
// (Kernels/gpu_*.cl: work-groups cooperating on tiles, local-memory GEMM, persistent
// recurrence with weights on chip). Either runs on any device; `auto` picks by device type.
import OpenCLKit

/// A family of kernels with its own weight layout and launch plan.
public enum KernelFamily: String, Sendable, Hashable, CaseIterable, Codable {
    /// Built for CPU devices (PoCL): long per-work-item loops over packed panels.
    case cpu
    /// Built for GPUs: cooperative work-groups, local memory, coalesced loads.
    case gpu
}

/// The family a user asked for: a fixed one, or `auto` (by device type).
public enum KernelSelection: String, Sendable, Hashable, CaseIterable {
    case auto, cpu, gpu

    /// The family this selection runs on a device of `kind`: `auto` takes the CPU family on
    /// CPU devices and the GPU family on every other kind.
    public func family(for kind: DeviceKind) -> KernelFamily {
        switch self {
        case .cpu: return .cpu
        case .gpu: return .gpu
        case .auto: return kind == .cpu ? .cpu : .gpu
        }
    }

    /// Parses `auto`, `cpu` or `gpu` (any case).
    public init?(parsing text: String) {
        self.init(rawValue: text.lowercased())
    }
}
