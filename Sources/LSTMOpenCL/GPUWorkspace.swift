// Device buffers the GPU family needs beside the shared Workspace, for one (steps, batch)
// shape: hidden-state histories (a fresh slot per step), the second cell-state buffer of
// each direction (c alternates by step parity), the r_t history of the persistent kernel
// with projection, and the persistent kernel's status and flags.
import LSTMCore
import OpenCLKit

/// The GPU family's extra activations for a problem shape.
final class GPUWorkspace {
    /// Per direction: hidden states [steps + 1 slots][slotFloats] of the layer running now.
    let history: [Buffer]
    /// Per direction: the cell state of odd steps [B][Hp] (even steps use Workspace.cell).
    let alternateCell: [Buffer]
    /// Per direction: r_t [steps][rawSlot] for the persistent kernel with projection, else a placeholder.
    let rawHistory: [Buffer]
    /// Status int, then each persistent launch's flags (``flagOffset(launch:)``).
    let sync: Buffer
    let slotFloats: Int
    /// Work-groups of each persistent launch (0 without persistent launches).
    let groups: Int

    init(steps: Int, batch: Int, configuration: LSTMConfiguration, launches: Int, groups: Int, context: Context) throws {
        let counts = Self.floatCounts(steps: steps, batch: batch, configuration: configuration, launches: launches, groups: groups)
        slotFloats = GPUKernelSet.slotFloats(batch: batch, width: configuration.outputSize)
        self.groups = groups
        func floats(_ count: Int) throws -> Buffer { try Buffer(context: context, byteCount: max(1, count) * 4) }
        let directions = 0..<configuration.directionCount
        history = try directions.map { _ in try floats(counts.history) }
        alternateCell = try directions.map { _ in try floats(counts.cell) }
        rawHistory = try directions.map { _ in try floats(counts.raw) }
        sync = try floats(counts.sync)
    }

    /// Int offset of launch `launch`'s flags in ``sync``.
    func flagOffset(launch: Int) -> Int { GPUKernelSet.flagStride * (1 + launch * groups) }

    /// Float counts per buffer (history, cell, raw history per direction; sync).
    static func floatCounts(steps: Int, batch: Int, configuration: LSTMConfiguration, launches: Int, groups: Int)
        -> (history: Int, cell: Int, raw: Int, sync: Int)
    {
        let padded = WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: GPUWeightPacking.unitBlock)
        let persistent = launches > 0 && groups > 0
        let raw = persistent && configuration.projectionSize > 0 ? steps * GPUKernelSet.slotFloats(batch: batch, width: padded) : 1
        return (
            (steps + 1) * GPUKernelSet.slotFloats(batch: batch, width: configuration.outputSize),
            batch * padded,
            raw,
            GPUKernelSet.flagStride * (1 + launches * groups)
        )
    }

    /// Total bytes and the largest buffer.
    static func footprint(steps: Int, batch: Int, configuration: LSTMConfiguration, launches: Int, groups: Int)
        -> (total: Int, largest: Int)
    {
        let counts = floatCounts(steps: steps, batch: batch, configuration: configuration, launches: launches, groups: groups)
        let total = configuration.directionCount * (counts.history + counts.cell + counts.raw) + counts.sync
        return (total * 4, max(counts.history, counts.cell, counts.raw, counts.sync) * 4)
    }
}
