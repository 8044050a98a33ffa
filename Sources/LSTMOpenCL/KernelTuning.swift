// Launch tunables for the kernels: compile-time tile sizes, work-group sizes and how the
// recurrence is launched.
import OpenCLKit

/// The tunable parameters of one program build and its launches.
public struct KernelTuning: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Rows per work-item in the input-projection GEMM (`GEMM_ROWS`).
    public var gemmRows: Int
    /// Sequences per work-item in the recurrent step (`STEP_ROWS`).
    public var stepRows: Int
    /// Sequences per work-item in the projection (`PROJ_ROWS`).
    public var projectionRows: Int
    /// Work-group size along the row tiles of the GEMM.
    public var gemmLocal: Int
    /// Work-group size along the unit blocks of the step kernel (per-step launches only).
    public var stepLocal: Int
    /// Run all timesteps of a layer in one persistent launch (`lstm_recurrence`) instead of
    /// one launch per step. Only honoured on CPU devices, where its assumptions hold; other
    /// devices always launch per step.
    public var persistentRecurrence: Bool

    public init(
        gemmRows: Int = 4, stepRows: Int = 4, projectionRows: Int = 4, gemmLocal: Int = 16, stepLocal: Int = 8,
        persistentRecurrence: Bool = true
    ) {
        self.gemmRows = gemmRows
        self.stepRows = stepRows
        self.projectionRows = projectionRows
        self.gemmLocal = gemmLocal
        self.stepLocal = stepLocal
        self.persistentRecurrence = persistentRecurrence
    }

    /// Defaults measured on PoCL's CPU device (2-vCPU AMD EPYC, AVX-512; Benchmarks/RESULTS.md).
    public static let cpuDefault = KernelTuning()

    /// Defaults for devices that are not CPUs: smaller register tiles (GPU work-items have
    /// fewer registers to spare), wider work-groups, one launch per step. Not measured yet;
    /// `lstm tune` refines.
    public static let gpuDefault = KernelTuning(
        gemmRows: 2, stepRows: 1, projectionRows: 2, gemmLocal: 16, stepLocal: 32, persistentRecurrence: false)

    /// The defaults for a kind of device.
    public static func defaults(for kind: DeviceKind) -> KernelTuning {
        kind == .cpu ? cpuDefault : gpuDefault
    }

    /// Compiler definitions for these tunables.
    var compilerDefinitions: String {
        "-D GEMM_ROWS=\(gemmRows) -D STEP_ROWS=\(stepRows) -D PROJ_ROWS=\(projectionRows)"
    }

    public var description: String {
        "gemmRows=\(gemmRows) stepRows=\(stepRows) projectionRows=\(projectionRows) gemmLocal=\(gemmLocal) stepLocal=\(stepLocal)"
            + " persistent=\(persistentRecurrence)"
    }

    private enum CodingKeys: String, CodingKey {
        case gemmRows, stepRows, projectionRows, gemmLocal, stepLocal, persistentRecurrence
    }

    /// Decodes a stored tuning; entries written before `persistentRecurrence` existed get
    /// the always-safe per-step launches.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gemmRows = try container.decode(Int.self, forKey: .gemmRows)
        stepRows = try container.decode(Int.self, forKey: .stepRows)
        projectionRows = try container.decode(Int.self, forKey: .projectionRows)
        gemmLocal = try container.decode(Int.self, forKey: .gemmLocal)
        stepLocal = try container.decode(Int.self, forKey: .stepLocal)
        persistentRecurrence = try container.decodeIfPresent(Bool.self, forKey: .persistentRecurrence) ?? false
    }
}
