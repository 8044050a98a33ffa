// Launch tunables of the GPU kernel family (Kernels/gpu_*.cl). None of them changes any
// result: the accumulation order is fixed by the family (gpu_common.cl, KSPLIT).
import LSTMCore
import OpenCLKit

/// The tunable parameters of the GPU family's program and launches.
public struct GPUKernelTuning: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Units per work-group tile of the recurrence (1, 2, 4 or 8), or 0 to choose by device:
    /// the most units that still give every compute unit a work-group at batch 1.
    public var units: Int
    /// Sequences per work-group of the recurrence (1 ... 8).
    public var batchTile: Int
    /// Run each window's steps in one persistent launch when the batch is small enough and a
    /// group's share of W_hh fits in local memory.
    public var persistent: Bool
    /// Largest batch the persistent recurrence takes; larger batches launch per step.
    public var persistentMaxBatch: Int
    /// Polls of a grid barrier before the persistent kernel gives up (and the pass is rerun
    /// with per-step launches).
    public var spinLimit: Int
    /// Work-groups of the persistent kernel, or 0 for one per compute unit. More groups than
    /// the device runs at once make the barrier time out: tests use this to force the fallback.
    public var persistentGroups: Int
    /// A test hook, `nil` in normal use: the persistent kernel gives up at this grid wait as
    /// if its poll limit had run out, to check the fallback from any point of a pass.
    public var forcedGiveUp: ForcedGiveUp?

    /// A grid wait of a pass: `phase` (1, 2, ...: the phases a group must have finished; an
    /// LSTM with projection has two per step) of the `launch`-th persistent launch (counted
    /// from 0 over the layers, windows and directions of the pass).
    public struct ForcedGiveUp: Equatable, Hashable, Sendable, Codable {
        public var launch: Int
        public var phase: Int
        public init(launch: Int, phase: Int) {
            self.launch = launch
            self.phase = phase
        }
    }

    public init(
        units: Int = 0, batchTile: Int = 4, persistent: Bool = true, persistentMaxBatch: Int = 8, spinLimit: Int = 1 << 16,
        persistentGroups: Int = 0, forcedGiveUp: ForcedGiveUp? = nil
    ) {
        self.units = units
        self.batchTile = batchTile
        self.persistent = persistent
        self.persistentMaxBatch = persistentMaxBatch
        self.spinLimit = spinLimit
        self.persistentGroups = persistentGroups
        self.forcedGiveUp = forcedGiveUp
    }

    /// Not measured on a GPU yet (no GPU was lent so far); `lstm tune --kernels gpu` refines.
    public static let defaults = GPUKernelTuning()

    /// Checks the ranges the kernels are written for.
    func validate() throws {
        guard units == 0 || [1, 2, 4, 8].contains(units), (1...8).contains(batchTile), persistentMaxBatch >= 0,
              spinLimit >= 1, persistentGroups >= 0
        else {
            throw ShapeError("GPU kernel tuning out of range: \(self) (units 0, 1, 2, 4 or 8; batch tile 1...8)")
        }
    }

    /// The units per tile on `device` for `hiddenSize` (resolving 0).
    func resolvedUnits(hiddenSize: Int, device: Device) -> Int {
        if units != 0 { return units }
        let padded = WeightPacking.paddedUnits(hiddenSize, blockWidth: GPUWeightPacking.unitBlock)
        return [8, 4, 2].first { padded / $0 >= max(1, device.computeUnits) } ?? 1
    }

    public var description: String {
        "units=\(units == 0 ? "auto" : String(units)) batchTile=\(batchTile) persistent=\(persistent)"
            + " persistentMaxBatch=\(persistentMaxBatch) spinLimit=\(spinLimit)"
            + (persistentGroups > 0 ? " persistentGroups=\(persistentGroups)" : "")
            + (forcedGiveUp.map { " forcedGiveUp=\($0.launch):\($0.phase)" } ?? "")
    }
}
