// Launch tunables for the kernels: compile-time tile sizes and work-group sizes.

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
    /// Work-group size along the unit blocks of the step kernel.
    public var stepLocal: Int

    public init(gemmRows: Int = 3, stepRows: Int = 2, projectionRows: Int = 4, gemmLocal: Int = 4, stepLocal: Int = 4) {
        self.gemmRows = gemmRows
        self.stepRows = stepRows
        self.projectionRows = projectionRows
        self.gemmLocal = gemmLocal
        self.stepLocal = stepLocal
    }

    /// Defaults measured on PoCL's CPU device (see shared/PERF.md); also used for other devices.
    public static let cpuDefault = KernelTuning()

    /// Compiler definitions for these tunables.
    var compilerDefinitions: String {
        "-D GEMM_ROWS=\(gemmRows) -D STEP_ROWS=\(stepRows) -D PROJ_ROWS=\(projectionRows)"
    }

    public var description: String {
        "gemmRows=\(gemmRows) stepRows=\(stepRows) projectionRows=\(projectionRows) gemmLocal=\(gemmLocal) stepLocal=\(stepLocal)"
    }
}
