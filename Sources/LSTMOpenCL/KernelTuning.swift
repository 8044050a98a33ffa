// Launch tunables for the kernels: the vector width, compile-time tile sizes, work-group
// sizes and how the recurrence is launched.
import OpenCLKit

/// The tunable parameters of one program build and its launches.
public struct KernelTuning: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Units per block (`VEC`): the width of every vector the kernels use, 4, 8 or 16.
    /// Weights are packed for it (``WeightPacking``).
    public var vectorWidth: Int
    /// Rows per work-item in the input-projection GEMM (`GEMM_ROWS`).
    public var gemmRows: Int
    /// Sequences per work-item in the recurrent step (`STEP_ROWS`).
    public var stepRows: Int
    /// Sequences per work-item in the projection (`PROJ_ROWS`).
    public var projectionRows: Int
    /// Unit blocks per batch-1 tile of the persistent recurrence (`WIDE_BLOCKS`); 0 means
    /// 32 / ``vectorWidth``.
    public var wideBlocks: Int
    /// Work-group size along the row tiles of the GEMM.
    public var gemmLocal: Int
    /// Work-group size along the unit blocks of the step kernel (per-step launches only).
    public var stepLocal: Int
    /// Run all timesteps of a layer in one persistent launch (`lstm_recurrence`) instead of
    /// one launch per step. Only honoured on CPU devices, where its assumptions hold; other
    /// devices always launch per step.
    public var persistentRecurrence: Bool

    public init(
        vectorWidth: Int = 8, gemmRows: Int = 4, stepRows: Int = 4, projectionRows: Int = 4, wideBlocks: Int = 0,
        gemmLocal: Int = 16, stepLocal: Int = 8, persistentRecurrence: Bool = true
    ) {
        self.vectorWidth = vectorWidth
        self.gemmRows = gemmRows
        self.stepRows = stepRows
        self.projectionRows = projectionRows
        self.wideBlocks = wideBlocks
        self.gemmLocal = gemmLocal
        self.stepLocal = stepLocal
        self.persistentRecurrence = persistentRecurrence
    }

    /// The vector widths the kernels are written for.
    public static let supportedVectorWidths = WeightPacking.supportedBlockWidths

    /// Defaults for PoCL's CPU device at vector width 8 (measured on a 2-vCPU AMD EPYC Zen 4;
    /// Benchmarks/RESULTS.md). ``defaults(for:batchClass:)`` widens them to the device.
    public static let cpuDefault = KernelTuning()

    /// Defaults for devices that are not CPUs: smaller register tiles (GPU work-items have
    /// fewer registers to spare), wider work-groups, one launch per step. Not measured yet;
    /// `lstm tune` refines.
    public static let gpuDefault = KernelTuning(
        gemmRows: 2, stepRows: 1, projectionRows: 2, gemmLocal: 16, stepLocal: 32, persistentRecurrence: false)

    /// The defaults for a kind of device at vector width 8.
    public static func defaults(for kind: DeviceKind) -> KernelTuning {
        kind == .cpu ? cpuDefault : gpuDefault
    }

    /// The defaults for a device and batch class: on CPUs the vector width is the device's
    /// (``vectorWidth(for:)``), and the register tiles are those measured for it.
    public static func defaults(for device: Device, batchClass: BatchClass = .large) -> KernelTuning {
        guard device.kind == .cpu else { return gpuDefault }
        var tuning = cpuDefault
        tuning.vectorWidth = vectorWidth(for: device)
        return tuning
    }

    /// The block width for a CPU device: its native float vector width (the preferred one
    /// when the native is not reported), clamped to the widths the kernels support; below 8
    /// (SSE only) 8 still compiles to two registers per vector and keeps the tiles' shape.
    public static func vectorWidth(for device: Device) -> Int {
        let reported = device.nativeVectorWidthFloat > 0 ? device.nativeVectorWidthFloat : device.preferredVectorWidthFloat
        return reported >= 16 ? 16 : 8
    }

    /// Compiler definitions for these tunables.
    var compilerDefinitions: String {
        var definitions = "-D VEC=\(vectorWidth) -D GEMM_ROWS=\(gemmRows) -D STEP_ROWS=\(stepRows) -D PROJ_ROWS=\(projectionRows)"
        if wideBlocks > 0 { definitions += " -D WIDE_BLOCKS=\(wideBlocks)" }
        return definitions
    }

    public var description: String {
        "vec=\(vectorWidth) gemmRows=\(gemmRows) stepRows=\(stepRows) projectionRows=\(projectionRows)"
            + (wideBlocks > 0 ? " wideBlocks=\(wideBlocks)" : "")
            + " gemmLocal=\(gemmLocal) stepLocal=\(stepLocal) persistent=\(persistentRecurrence)"
    }

    private enum CodingKeys: String, CodingKey {
        case vectorWidth, gemmRows, stepRows, projectionRows, wideBlocks, gemmLocal, stepLocal, persistentRecurrence
    }

    /// Decodes a stored tuning; entries written before `persistentRecurrence` existed get
    /// the always-safe per-step launches, and entries from before `vectorWidth` existed
    /// the width they were measured at, 8.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vectorWidth = try container.decodeIfPresent(Int.self, forKey: .vectorWidth) ?? 8
        gemmRows = try container.decode(Int.self, forKey: .gemmRows)
        stepRows = try container.decode(Int.self, forKey: .stepRows)
        projectionRows = try container.decode(Int.self, forKey: .projectionRows)
        wideBlocks = try container.decodeIfPresent(Int.self, forKey: .wideBlocks) ?? 0
        gemmLocal = try container.decode(Int.self, forKey: .gemmLocal)
        stepLocal = try container.decode(Int.self, forKey: .stepLocal)
        persistentRecurrence = try container.decodeIfPresent(Bool.self, forKey: .persistentRecurrence) ?? false
    }
}

/// The batch sizes a tuning is chosen for: the best tiles differ between one sequence
/// (latency and weight streaming), a few, and many (compute-bound register tiles).
public enum BatchClass: String, CaseIterable, Sendable, Hashable, Codable {
    /// One sequence.
    case single
    /// 2 to 31 sequences.
    case small
    /// 32 sequences or more.
    case large

    /// The class of a batch of `batch` sequences.
    public init(batch: Int) {
        self = batch <= 1 ? .single : batch < 32 ? .small : .large
    }
}
