// Launch tunables for the kernels: the vector width, compile-time tile sizes, work-group
// sizes and how the recurrence is launched.
import LSTMCore
import OpenCLKit

/// The tunable parameters of one program build and its launches.
public struct KernelTuning: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Units per block (`VEC`): the width of every vector the kernels use, 4, 8 or 16.
    /// Weights are packed for it (``WeightPacking``).
    public var vectorWidth: Int
    /// Rows per register tile in the input-projection GEMM (`GEMM_ROWS`).
    public var gemmRows: Int
    /// Register tiles per GEMM work-item (`GEMM_TILES`), which share each slice of the weight
    /// panel while it is in L1.
    public var gemmTiles: Int
    /// Gate vectors per register tile pass of the GEMM and the recurrent step (`TILE_GATES`):
    /// a tile's rows take this many of a block's gates through the k loop at a time; 0 takes
    /// them all at once. Fewer suit CPUs whose vector registers cannot hold rows × gates
    /// accumulators besides the weights (16 registers on AVX2; ``defaults(for:batchClass:)``).
    public var tileGates: Int
    /// Sequences per register tile in the recurrent step (`STEP_ROWS`).
    public var stepRows: Int
    /// Row tiles per work-item or claim of the recurrent step (`STEP_TILES`), which share each
    /// slice of the recurrent weight panel while it is in L1.
    public var stepTiles: Int
    /// The depth in k of one panel slice (`PANEL_SLICE`); 0 sizes it from the panel's width
    /// (``panelSliceDepth(gates:weightBytes:)``).
    public var panelSlice: Int
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
    /// Run the input-projection GEMM as one work-group per persistent worker, each with its own
    /// rows and its own copy of W_ih (`input_projection_persistent`), where the recurrence is
    /// persistent too; otherwise one work-item per row group and block.
    public var persistentProjection: Bool
    /// Compute the input projection inside the persistent LSTM recurrence's gate tiles
    /// (`FUSE_INPUT`) instead of a GEMM into G before it: each tile's product runs over x with
    /// W_ih and then h with W_hh, the same chains, so the results are bitwise the same. Only
    /// honoured where the recurrence is persistent (CPU devices) and for LSTM cells.
    public var fuseInput: Bool
    /// Have each register tile of a group that shares a panel slice prefetch its share of the
    /// next slice into L2 (`PREFETCH_SLICES`), one line per k, so the group's first tile finds
    /// it there. For weights that come from beyond L2 each step
    /// (``prefetchesSlicesByDefault(configuration:tuning:batchClass:level2Bytes:workers:weightBytes:)``).
    /// Only honoured on CPU devices (a clang builtin that Oclgrind, for one, cannot run); a
    /// hint, so results are unchanged.
    public var prefetchSlices: Bool

    public init(
        vectorWidth: Int = 8, gemmRows: Int = 4, gemmTiles: Int = 1, tileGates: Int = 0, stepRows: Int = 4,
        stepTiles: Int = 1, panelSlice: Int = 0, projectionRows: Int = 4, wideBlocks: Int = 0,
        gemmLocal: Int = 16, stepLocal: Int = 8, persistentRecurrence: Bool = true, persistentProjection: Bool = false,
        fuseInput: Bool = false, prefetchSlices: Bool = false
    ) {
        self.vectorWidth = vectorWidth
        self.gemmRows = gemmRows
        self.gemmTiles = gemmTiles
        self.tileGates = tileGates
        self.stepRows = stepRows
        self.stepTiles = stepTiles
        self.panelSlice = panelSlice
        self.projectionRows = projectionRows
        self.wideBlocks = wideBlocks
        self.gemmLocal = gemmLocal
        self.stepLocal = stepLocal
        self.persistentRecurrence = persistentRecurrence
        self.persistentProjection = persistentProjection
        self.fuseInput = fuseInput
        self.prefetchSlices = prefetchSlices
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
    /// (``vectorWidth(for:)``), and the register tiles are those measured for it. Four GEMM
    /// tiles share each panel slice; so do four recurrent row tiles when the batch has more than
    /// one sequence (interleaved on an Intel Xeon at VEC 16: 0.96-0.98x the median and 0.6-0.9x
    /// the fastest pass of one tile each at B = 16 and 64; Benchmarks/RESULTS.md). Batches of
    /// more than one sequence run the persistent GEMM with a copy of W_ih per worker
    /// (interleaved on the Xeon: 0.76-0.95x the median pass at B = 16-256); a single sequence
    /// reads W_ih once per pass, where a second copy only adds bytes (its f32 GEMM took 1.18x).
    /// Large batches group as many recurrent row tiles as the L1 data cache holds
    /// (``sliceGroupTiles(vectorWidth:level1DataBytes:rows:)``), and their panel slices take
    /// the rest of it (``largeBatchPanelSlice(vectorWidth:level1DataBytes:stepRows:stepTiles:)``).
    /// A single sequence's GEMM groups as many tiles the same way: its f16 form converts each
    /// slice once per group (GEMM_STAGED), so fewer, larger groups convert W_ih fewer times. On
    /// an AMD EPYC Zen 5 (48 KiB L1: 16 tiles) the f16 GEMM at (512, 512, 1, 100) took 0.88x its
    /// time with 4 tiles and the pass 0.94-0.96x; f32 was unchanged (0.99-1.00x;
    /// `lstm-kernel-probe`, in one process; Benchmarks/RESULTS.md). So does a large batch's
    /// GEMM, where it runs (unfused): on the Zen 5 16 tiles took it 0.95-0.98x the time of 4 at
    /// (1024, 1024, 64, 50), (1024, 1024, 128, 25), (512, 512, 64, 100) and
    /// (256, 256, 256, 100). Small batches keep 4 (16 took their GEMM 1.03x at
    /// (512, 512, 16, 100)).
    public static func defaults(for device: Device, batchClass: BatchClass = .large) -> KernelTuning {
        guard device.kind == .cpu else { return gpuDefault }
        var tuning = cpuDefault
        tuning.vectorWidth = vectorWidth(for: device)
        let tile = registerTile(vectorRegisters: vectorRegisters(for: device))
        (tuning.gemmRows, tuning.stepRows, tuning.tileGates) = (tile.rows, tile.rows, tile.tileGates)
        let level1DataBytes = HostCacheSizes.level1DataBytes ?? 32 << 10
        tuning.gemmTiles = batchClass == .small
            ? 4 : sliceGroupTiles(vectorWidth: tuning.vectorWidth, level1DataBytes: level1DataBytes, rows: tuning.gemmRows)
        if batchClass != .single {
            tuning.stepTiles = 4
            tuning.persistentProjection = true
        }
        if batchClass == .large {
            tuning.stepTiles = sliceGroupTiles(vectorWidth: tuning.vectorWidth, level1DataBytes: level1DataBytes, rows: tuning.stepRows)
            tuning.panelSlice = largeBatchPanelSlice(
                vectorWidth: tuning.vectorWidth, level1DataBytes: level1DataBytes, stepRows: tuning.stepRows,
                stepTiles: tuning.stepTiles)
        }
        return tuning
    }

    /// The panel slice depth (``panelSlice``) for large batches: as many f32 weights of an
    /// LSTM's four gates as the L1 data cache holds beside the row group's accumulators, in
    /// whole ``panelSliceBytes``, or 0 (the ``panelSliceBytes`` default) where that is one.
    /// Only the slice must stay in L1 while every tile of the group passes over it (each
    /// tile's rows and accumulators come and go with it), and every tile's pass over a slice
    /// ends with its accumulators stored and the next tile's loaded, so deeper slices mean
    /// fewer such changes: 512 cycles of FMAs per change at 64 deep. On a 48 KiB L1 at VEC 16
    /// (16 tiles, 16 KiB of accumulators) the slice is 32 KiB, 128 deep: on an AMD EPYC Zen 5
    /// the fused recurrence took 0.94-0.97x its time at (256, 256, 256, 100) in four runs and
    /// 0.98x at (512, 512, 64, 100) in two (`lstm-kernel-probe`, in one process;
    /// Benchmarks/RESULTS.md). A 32 KiB L1 keeps 16 KiB (the slice measured on Zen 3 and 4).
    static func largeBatchPanelSlice(vectorWidth: Int, level1DataBytes: Int, stepRows: Int, stepTiles: Int) -> Int {
        let (gates, floatBytes) = (4, MemoryLayout<Float>.size)
        let accumulators = stepTiles * stepRows * gates * vectorWidth * floatBytes
        let slices = max(1, (level1DataBytes - accumulators) / panelSliceBytes)
        return slices > 1 ? slices * panelSliceBytes / (gates * vectorWidth * floatBytes) : 0
    }

    /// Vector registers of a CPU device at its own vector width: 32 where PoCL reports a native
    /// float width of 16 (AVX-512), else 16 (AVX2, whose 8-wide vectors this runs at).
    public static func vectorRegisters(for device: Device) -> Int {
        vectorWidth(for: device) >= 16 ? 32 : 16
    }

    /// The register tile (rows, ``tileGates``) of the GEMM and the recurrent step for a CPU with
    /// `vectorRegisters` vector registers. With 32, 4 rows of all 4 gates: 16 accumulators, 4
    /// weight vectors and a broadcast (measured on Zen 4 and Intel Xeons). With 16 that tile
    /// cannot stay in registers, so 6 rows take 2 gates at a time: 12 accumulators, 2 weight
    /// vectors and a broadcast. On an AMD EPYC Zen 3 (AVX2) the 6 × 2 tile took the
    /// (512, 512, 64, 100) GEMM 0.39-0.44x and the recurrence 0.46-0.50x the time of 4 × 4
    /// (interleaved in `lstm-kernel-probe`; Benchmarks/RESULTS.md).
    static func registerTile(vectorRegisters: Int) -> (rows: Int, tileGates: Int) {
        vectorRegisters >= 32 ? (4, 0) : (6, 2)
    }

    /// Register tiles of `rows` rows per group that share each panel slice (the recurrent row
    /// tiles of large batches, the GEMM tiles of a single sequence): the most of 16, 8 and 4
    /// whose working set fits an L1 data cache of `level1DataBytes` (32 KiB on AMD Zen 3 and 4,
    /// 48 KiB on Zen 5 and Intel Sapphire and Emerald Rapids): the group's accumulators, one
    /// panel slice (``panelSliceBytes``) and the slice's k range of the group's rows of h or x,
    /// for an LSTM's four gates. A group of more rows reads each slice from L2 fewer times per
    /// step. On an Intel Xeon (48 KiB) 16 tiles, 64 sequences, took the recurrence 2-13 % less
    /// time than 4 at B = 128 and 256, and 0.91-1.05x its time at B = 64 (Benchmarks/RESULTS.md).
    static func sliceGroupTiles(vectorWidth: Int, level1DataBytes: Int, rows: Int = 4) -> Int {
        let (gates, floatBytes) = (4, MemoryLayout<Float>.size)
        let sliceDepth = KernelTuning(vectorWidth: vectorWidth).panelSliceDepth(gates: gates, weightBytes: floatBytes)
        for tiles in [16, 8] {
            let accumulators = tiles * rows * gates * vectorWidth * floatBytes
            let rowSlices = tiles * rows * sliceDepth * floatBytes
            if accumulators + panelSliceBytes + rowSlices <= level1DataBytes { return tiles }
        }
        return 4
    }

    /// The block width for a CPU device: its native float vector width (the preferred one
    /// when the native is not reported), clamped to the widths the kernels support; below 8
    /// (SSE only) 8 still compiles to two registers per vector and keeps the tiles' shape.
    public static func vectorWidth(for device: Device) -> Int {
        let reported = device.nativeVectorWidthFloat > 0 ? device.nativeVectorWidthFloat : device.preferredVectorWidthFloat
        return reported >= 16 ? 16 : 8
    }

    /// Bytes of weights one panel slice holds when ``panelSlice`` is 0: half of the smallest L1
    /// data cache of the x86 CPUs this runs on (32 KiB on AMD Zen 3 and Zen 4, 48 KiB on Intel
    /// Sapphire Rapids), so the slice stays in L1 beside the rows and accumulators it meets.
    static let panelSliceBytes = 16 * 1024

    /// The k depth of one panel slice for panels of `gates` gate vectors of ``vectorWidth``
    /// weights of `weightBytes` bytes each: ``panelSlice``, or what fits ``panelSliceBytes``.
    public func panelSliceDepth(gates: Int, weightBytes: Int) -> Int {
        panelSlice > 0 ? panelSlice : max(8, Self.panelSliceBytes / (gates * vectorWidth * weightBytes))
    }

    /// Compiler definitions for these tunables (``panelSliceDepth(gates:weightBytes:)`` is added
    /// by the build, which knows the panels).
    var compilerDefinitions: String {
        var definitions = "-D VEC=\(vectorWidth) -D GEMM_ROWS=\(gemmRows) -D GEMM_TILES=\(gemmTiles)"
            + " -D STEP_ROWS=\(stepRows) -D STEP_TILES=\(stepTiles) -D PROJ_ROWS=\(projectionRows)"
        if wideBlocks > 0 { definitions += " -D WIDE_BLOCKS=\(wideBlocks)" }
        return definitions
    }

    /// The `TILE_GATES` definition for kernels of `gates` gates per unit, or nil for all of them.
    func tileGatesDefinition(gates: Int) -> String? {
        tileGates > 0 && tileGates < gates ? "-D TILE_GATES=\(tileGates)" : nil
    }

    public var description: String {
        "vec=\(vectorWidth) gemmRows=\(gemmRows)" + (gemmTiles != 1 ? " gemmTiles=\(gemmTiles)" : "")
            + (tileGates > 0 ? " tileGates=\(tileGates)" : "")
            + " stepRows=\(stepRows)" + (stepTiles != 1 ? " stepTiles=\(stepTiles)" : "")
            + (panelSlice > 0 ? " panelSlice=\(panelSlice)" : "")
            + " projectionRows=\(projectionRows)"
            + (wideBlocks > 0 ? " wideBlocks=\(wideBlocks)" : "")
            + " gemmLocal=\(gemmLocal) stepLocal=\(stepLocal) persistent=\(persistentRecurrence)"
            + (persistentProjection ? " persistentProjection=true" : "")
            + (fuseInput ? " fuseInput=true" : "")
            + (prefetchSlices ? " prefetchSlices=true" : "")
    }

    private enum CodingKeys: String, CodingKey {
        case vectorWidth, gemmRows, gemmTiles, tileGates, stepRows, stepTiles, panelSlice, projectionRows, wideBlocks, gemmLocal, stepLocal
        case persistentRecurrence, persistentProjection, fuseInput, prefetchSlices
    }

    /// Decodes a stored tuning; entries written before `persistentRecurrence` existed get
    /// the always-safe per-step launches, and entries from before `vectorWidth` existed
    /// the width they were measured at, 8; entries from before panel slicing one tile per
    /// work-item (no slicing); entries from before fusion an unfused input projection, and
    /// entries from before slice prefetching none.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vectorWidth = try container.decodeIfPresent(Int.self, forKey: .vectorWidth) ?? 8
        gemmRows = try container.decode(Int.self, forKey: .gemmRows)
        gemmTiles = try container.decodeIfPresent(Int.self, forKey: .gemmTiles) ?? 1
        tileGates = try container.decodeIfPresent(Int.self, forKey: .tileGates) ?? 0
        stepRows = try container.decode(Int.self, forKey: .stepRows)
        stepTiles = try container.decodeIfPresent(Int.self, forKey: .stepTiles) ?? 1
        panelSlice = try container.decodeIfPresent(Int.self, forKey: .panelSlice) ?? 0
        projectionRows = try container.decode(Int.self, forKey: .projectionRows)
        wideBlocks = try container.decodeIfPresent(Int.self, forKey: .wideBlocks) ?? 0
        gemmLocal = try container.decode(Int.self, forKey: .gemmLocal)
        stepLocal = try container.decode(Int.self, forKey: .stepLocal)
        persistentRecurrence = try container.decodeIfPresent(Bool.self, forKey: .persistentRecurrence) ?? false
        persistentProjection = try container.decodeIfPresent(Bool.self, forKey: .persistentProjection) ?? false
        fuseInput = try container.decodeIfPresent(Bool.self, forKey: .fuseInput) ?? false
        prefetchSlices = try container.decodeIfPresent(Bool.self, forKey: .prefetchSlices) ?? false
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
