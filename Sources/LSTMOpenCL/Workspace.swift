// Device buffers for one (steps, batch) shape, allocated once and reused across calls.
import LSTMCore
import OpenCLKit

/// Activations and states on the device for a given problem shape.
final class Workspace {
    let steps: Int
    let batch: Int
    /// Units per block of the kernels using it: cell states and G are padded to it.
    let blockWidth: Int
    /// Steps per chunk: each layer alternates an input projection over this many steps with
    /// the recurrence over them, so G stays in the last-level cache (``chunkSteps(steps:batch:configuration:)``).
    let chunkSteps: Int
    /// The layer-0 input [T·B][I], then the staging area of ``Staging`` (one upload per pass).
    let input: Buffer
    /// Two layer outputs [T·B][D·H_out], alternating between layers, each followed by room
    /// for the final states so one read returns everything (``Staging``).
    let layerOutputs: [Buffer]
    /// Input projections of one chunk, [chunk steps][Hp/VEC][B][gates·VEC], one per direction.
    let gates: [Buffer]
    /// Hidden-state ping-pong pairs [B][H_out], per layer and direction.
    let hidden: [[[Buffer]]]
    /// Padded cell states [B][Hp], per layer and direction.
    let cell: [[Buffer]]
    /// o⊙tanh(c) before projection, [B][Hp], per direction.
    let projectionInputs: [Buffer]
    let lengths: Buffer
    /// Barrier counters of the persistent recurrence, zeroed before each layer.
    let sync: Buffer

    /// Bytes of G (all directions) a chunk may take: written by the GEMM and read back by
    /// the recurrence while still in cache. Unchunked, G went to DRAM and back (210 MB per
    /// pass at (256, 256, 256, 100)); measured on the reference machine, 2 MiB chunks beat
    /// 4-8 MiB by 2-7 % at B = 64 and 256 and tied at B = 16.
    static let gateChunkBytes = 2 << 20
    /// Fewest GEMM rows (steps x B) per chunk: each chunk streams all of W_ih once (16 MB at
    /// H = 1024), which needs enough rows to amortise.
    static let minimumChunkRows = 256

    /// - Parameters:
    ///   - blockWidth: units per block (the tuning's vector width).
    ///   - workers: work-groups of the persistent recurrence (0: per-step launches).
    ///   - chunkSteps: steps per chunk, or `nil` for ``chunkSteps(steps:batch:configuration:blockWidth:)``.
    init(
        steps: Int, batch: Int, configuration: LSTMConfiguration, blockWidth: Int, workers: Int, chunkSteps: Int?,
        context: Context
    ) throws {
        self.steps = steps
        self.batch = batch
        self.blockWidth = blockWidth
        self.chunkSteps = Self.resolvedChunkSteps(
            chunkSteps, steps: steps, batch: batch, configuration: configuration, blockWidth: blockWidth)
        let sizes = Self.floatCounts(
            steps: steps, batch: batch, configuration: configuration, blockWidth: blockWidth, chunkSteps: self.chunkSteps)
        func floats(_ count: Int) throws -> Buffer { try Buffer(context: context, byteCount: count * 4) }
        input = try floats(sizes.input)
        layerOutputs = try (0..<min(2, configuration.layerCount)).map { _ in try floats(sizes.layerOutput) }
        gates = try (0..<configuration.directionCount).map { _ in try floats(sizes.gates) }
        hidden = try (0..<configuration.layerCount).map { _ in
            try (0..<configuration.directionCount).map { _ in try [floats(sizes.hidden), floats(sizes.hidden)] }
        }
        cell = try (0..<configuration.layerCount).map { _ in
            try (0..<configuration.directionCount).map { _ in try floats(sizes.cell) }
        }
        projectionInputs = try (0..<configuration.directionCount).map { _ in try floats(sizes.cell) }
        lengths = try Buffer(context: context, byteCount: batch * 4)
        sync = try Buffer(context: context, byteCount: Self.syncCount(steps: steps, workers: workers) * 4)
    }

    /// Steps per chunk: as many as fit ``gateChunkBytes``, but enough for
    /// ``minimumChunkRows`` GEMM rows; at least one, at most all.
    static func chunkSteps(steps: Int, batch: Int, configuration: LSTMConfiguration, blockWidth: Int) -> Int {
        let paddedHidden = WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: blockWidth)
        let bytesPerStep = configuration.directionCount * batch * configuration.gateCount * paddedHidden * 4
        let byCache = gateChunkBytes / bytesPerStep
        let byRows = (minimumChunkRows + batch - 1) / batch
        return max(1, min(steps, max(byCache, byRows)))
    }

    static func resolvedChunkSteps(
        _ requested: Int?, steps: Int, batch: Int, configuration: LSTMConfiguration, blockWidth: Int
    ) -> Int {
        requested.map { max(1, min(steps, $0)) }
            ?? chunkSteps(steps: steps, batch: batch, configuration: configuration, blockWidth: blockWidth)
    }

    /// Ints of the barrier counters: [steps][2 phases][workers + 1][16] (lstm_recurrence.cl).
    static func syncCount(steps: Int, workers: Int) -> Int {
        workers > 0 ? steps * 2 * (workers + 1) * 16 : 1
    }

    /// Float counts of each buffer kind.
    static func floatCounts(steps: Int, batch: Int, configuration: LSTMConfiguration, blockWidth: Int, chunkSteps: Int)
        -> (input: Int, layerOutput: Int, gates: Int, hidden: Int, cell: Int)
    {
        let paddedHidden = WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: blockWidth)
        let staging = Staging(steps: steps, batch: batch, configuration: configuration, blockWidth: blockWidth)
        return (
            staging.inputEnd,
            staging.outputEnd,
            chunkSteps * batch * configuration.gateCount * paddedHidden,
            batch * configuration.outputSize,
            batch * paddedHidden
        )
    }

    /// Total bytes and the largest single buffer, for chunking decisions.
    static func footprint(
        steps: Int, batch: Int, configuration: LSTMConfiguration, blockWidth: Int, workers: Int, chunkSteps: Int?
    ) -> (total: Int, largest: Int) {
        let chunk = resolvedChunkSteps(chunkSteps, steps: steps, batch: batch, configuration: configuration, blockWidth: blockWidth)
        let sizes = floatCounts(
            steps: steps, batch: batch, configuration: configuration, blockWidth: blockWidth, chunkSteps: chunk)
        let states = configuration.layerCount * configuration.directionCount
        let total = sizes.input + min(2, configuration.layerCount) * sizes.layerOutput
            + configuration.directionCount * (sizes.gates + sizes.cell) + states * (2 * sizes.hidden + sizes.cell) + batch
            + syncCount(steps: steps, workers: workers)
        let largest = max(sizes.input, sizes.layerOutput, sizes.gates)
        return (total * 4, largest * 4)
    }
}

/// Where the per-pass host data sits in the device buffers, so that a forward pass costs one
/// blocking write and one blocking read: on PoCL every blocking transfer is a wake-up of a
/// worker thread and back (about 25 us each; a 1-layer pass made 7 of them, 0.2 ms).
/// Input buffer: [sequence T·B·I][lengths B, as Int32 bits][h0 S·B·H_out][c0 S·B·Hp], S =
/// layers x directions, c0 padded to the block width (the kernels' VEC). Output buffer: [output T·B·D·H_out]
/// [h_n S·B·H_out][c_n S·B·Hp].
struct Staging {
    let lengths: Int
    let initialHidden: Int
    let initialCell: Int
    let inputEnd: Int
    let finalHidden: Int
    let finalCell: Int
    let outputEnd: Int
    let hiddenPerState: Int
    let cellPerState: Int

    init(steps: Int, batch: Int, configuration: LSTMConfiguration, blockWidth: Int) {
        let states = configuration.layerCount * configuration.directionCount
        hiddenPerState = batch * configuration.outputSize
        cellPerState = batch * WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: blockWidth)
        lengths = steps * batch * configuration.inputSize
        initialHidden = lengths + batch
        initialCell = initialHidden + states * hiddenPerState
        inputEnd = initialCell + states * cellPerState
        finalHidden = steps * batch * configuration.directionCount * configuration.outputSize
        finalCell = finalHidden + states * hiddenPerState
        outputEnd = finalCell + states * cellPerState
    }
}
