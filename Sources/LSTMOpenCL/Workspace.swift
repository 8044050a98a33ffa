// Device buffers for one (steps, batch) shape, allocated once and reused across calls. The
// buffers are listed once (``WorkspaceLayout``); allocation, the footprint used for batch
// slicing, and the NaN poisoning of verification all derive from that list.
import LSTMCore
import OpenCLKit

/// What a workspace buffer holds. The cell's kernels declare which of the cell-specific
/// roles they need (``CellKernels/workspaceBuffers(configuration:blockWidth:batch:steps:windowSteps:workers:)``).
enum WorkspaceRole: String, CaseIterable {
    /// The layer-0 input [T·B][I], then the staging area of ``Staging`` (one upload per pass).
    case input
    /// Two layer outputs [T·B][D·H_out], alternating between layers, each followed by room
    /// for the final states so one read returns everything (``Staging``).
    case layerOutput
    /// Input projections of one step window, [window steps][Hp/VEC][B][VEC·gates], per direction;
    /// one float each (bound, never read) where the recurrence computes them itself.
    case gates
    /// Hidden states [B][H_out] read at even steps (h0 is uploaded here), per layer and direction.
    case hidden
    /// Their ping-pong partners, read at odd steps and first written by step 0.
    case hiddenNext
    /// Per-sequence lengths, B ints.
    case lengths
    /// LSTM: padded cell states [B][Hp], per layer and direction.
    case cellState
    /// LSTM with projection: o⊙tanh(c) before projection, [B][Hp], per direction.
    case projectionInput
    /// GRU with the reset before W_hn: r⊙h, [B][H], per direction.
    case resetHidden
    /// LSTM's persistent recurrence: hidden states [window + 1 slots][B][H_out], per direction
    /// (step s reads slot s mod slots and writes the next; lstm_recurrence.cl says why).
    case hiddenRing
    /// Its cell states, [window + 1 slots][B][Hp], per direction.
    case cellRing
    /// Its o⊙tanh(c) before projection (proj_size only), [window + 1 slots][B][Hp], per direction.
    case projectionRing
    /// Tile flags and barrier counters of the persistent recurrence, zeroed before each layer.
    case sync
}

/// One entry of the buffer list: `count` buffers of `floats` 4-byte elements each.
struct WorkspaceBuffer {
    let role: WorkspaceRole
    let count: Int
    let floats: Int
    /// Whether a forward pass writes it before reading it, so verification may poison it.
    let writtenByPass: Bool
}

/// The buffer list of one shape: the buffers every cell has, then the cell's own.
struct WorkspaceLayout {
    let steps: Int
    let batch: Int
    /// Units per block of the kernels using it (the tuning's vector width): cell states and
    /// G are padded to it.
    let blockWidth: Int
    /// Steps per window: each layer alternates an input projection over this many steps
    /// with the recurrence over them, so G holds only a window's steps.
    let windowSteps: Int
    let buffers: [WorkspaceBuffer]

    /// Bytes of G (all directions) a step window may take. Each window is two launches (the
    /// GEMM, then the recurrence), and every launch boundary puts the device's worker threads
    /// to sleep and wakes them again, which on a shared VM seems to cost milliseconds (the
    /// kernels ran faster with fewer windows, but the wake-up was not timed directly); keeping G
    /// small enough for the cache (2 MiB, before) bought nothing measurable. A memory budget,
    /// not a cache size: Benchmarks/RESULTS.md, "step windows", has the measurements.
    static let gateWindowBytes = 32 << 20
    /// Fewest GEMM rows (steps x B) per window: each window streams all of W_ih once, which
    /// needs enough rows to amortise.
    static let minimumWindowRows = 256

    /// `readsGates` false (the recurrence computes the input projection itself) leaves G one
    /// float per direction.
    init(
        steps: Int, batch: Int, configuration: LSTMConfiguration, blockWidth: Int, kernels: CellKernels.Type, workers: Int,
        windowSteps: Int?, readsGates: Bool = true
    ) {
        self.steps = steps
        self.batch = batch
        self.blockWidth = blockWidth
        let window = windowSteps.map { max(1, min(steps, $0)) }
            ?? Self.windowSteps(steps: steps, batch: batch, configuration: configuration, blockWidth: blockWidth)
        self.windowSteps = window
        let staging = Staging(steps: steps, batch: batch, configuration: configuration, blockWidth: blockWidth)
        let states = configuration.layerCount * configuration.directionCount
        let gates = readsGates
            ? window * batch * configuration.gateCount * WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: blockWidth)
            : 1
        buffers = [
            WorkspaceBuffer(role: .input, count: 1, floats: staging.inputEnd, writtenByPass: false),
            WorkspaceBuffer(role: .layerOutput, count: min(2, configuration.layerCount), floats: staging.outputEnd, writtenByPass: true),
            WorkspaceBuffer(role: .gates, count: configuration.directionCount, floats: gates, writtenByPass: true),
            WorkspaceBuffer(role: .hidden, count: states, floats: batch * configuration.outputSize, writtenByPass: false),
            WorkspaceBuffer(role: .hiddenNext, count: states, floats: batch * configuration.outputSize, writtenByPass: true),
            WorkspaceBuffer(role: .lengths, count: 1, floats: batch, writtenByPass: false),
        ] + kernels.workspaceBuffers(
            configuration: configuration, blockWidth: blockWidth, batch: batch, steps: steps, windowSteps: window, workers: workers)
    }

    /// Steps per window: as many as fit ``gateWindowBytes``, but enough for
    /// ``minimumWindowRows`` GEMM rows; at least one, at most all.
    static func windowSteps(steps: Int, batch: Int, configuration: LSTMConfiguration, blockWidth: Int) -> Int {
        let bytesPerStep = configuration.directionCount * batch * configuration.gateCount
            * WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: blockWidth) * 4
        let byBudget = gateWindowBytes / bytesPerStep
        let byRows = (minimumWindowRows + batch - 1) / batch
        return max(1, min(steps, max(byBudget, byRows)))
    }

    /// Total bytes and the largest single buffer, for batch-slicing decisions.
    var footprint: (total: Int, largest: Int) {
        (buffers.reduce(0) { $0 + $1.count * $1.floats } * 4, (buffers.map(\.floats).max() ?? 0) * 4)
    }
}

/// Activations and states on the device for a given problem shape.
final class Workspace {
    let layout: WorkspaceLayout
    private let buffers: [WorkspaceRole: [Buffer]]

    var steps: Int { layout.steps }
    var batch: Int { layout.batch }
    var windowSteps: Int { layout.windowSteps }
    var blockWidth: Int { layout.blockWidth }

    init(layout: WorkspaceLayout, context: Context) throws {
        self.layout = layout
        var buffers: [WorkspaceRole: [Buffer]] = [:]
        for entry in layout.buffers {
            // A zero-sized OpenCL buffer is an error; an empty array is one element.
            buffers[entry.role] = try (0..<entry.count).map { _ in
                try Buffer(context: context, byteCount: max(1, entry.floats) * 4)
            }
        }
        self.buffers = buffers
    }

    /// Buffer `index` of `role`.
    func buffer(_ role: WorkspaceRole, _ index: Int = 0) throws -> Buffer {
        guard let list = buffers[role], list.indices.contains(index) else {
            throw OpenCLError(call: "workspace", code: -30, detail: "no \(role.rawValue) buffer \(index) in this workspace")
        }
        return list[index]
    }

    /// What layer `layer` reads as its input x: the sequence for the first layer, else the
    /// previous layer's output (layer outputs alternate between two buffers).
    func layerInput(_ layer: Int) throws -> Buffer {
        try layer == 0 ? buffer(.input) : layerOutput(layer - 1)
    }

    /// What layer `layer` writes its output to (layer outputs alternate between two buffers).
    func layerOutput(_ layer: Int) throws -> Buffer {
        try buffer(.layerOutput, layer % 2)
    }

    /// The hidden state of state `state` (layer · directions + direction) read at steps of this parity.
    func hidden(state: Int, parity: Int) throws -> Buffer {
        try buffer(parity == 0 ? .hidden : .hiddenNext, state)
    }

    /// Every buffer a forward pass writes before reading: the ones verification poisons.
    var writtenByPass: [Buffer] {
        layout.buffers.filter(\.writtenByPass).flatMap { buffers[$0.role] ?? [] }
    }
}

/// Where the per-pass host data sits in the device buffers, so that a forward pass costs one
/// write that does not wait and one blocking read (on PoCL every blocking transfer is a round trip to
/// a worker thread). Input buffer: [sequence T·B·I][lengths B, as Int32 bits][h0 S·B·H_out]
/// [c0 S·B·Hp], S = layers x directions, c0 padded to the block width (the kernels' VEC) and absent for cells
/// without a c state. Output buffer: [output T·B·D·H_out][h_n S·B·H_out][c_n S·B·Hp].
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
        cellPerState = configuration.hasCellState ? batch * WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: blockWidth) : 0
        lengths = steps * batch * configuration.inputSize
        initialHidden = lengths + batch
        initialCell = initialHidden + states * hiddenPerState
        inputEnd = initialCell + states * cellPerState
        finalHidden = steps * batch * configuration.directionCount * configuration.outputSize
        finalCell = finalHidden + states * hiddenPerState
        outputEnd = finalCell + states * cellPerState
    }
}
