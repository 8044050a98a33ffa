// Launches shared by every cell: one kernel with its geometry, the launches of one step,
// and how a layer's recurrence runs.
import OpenCLKit

/// One launch: a kernel object with its arguments bound, and its geometry.
struct Launch {
    let kernel: BoundKernel
    let global: [Int]
    let local: [Int]

    func enqueue(on queue: CommandQueue, recorder: ProfileRecorder?) throws {
        let event = try queue.enqueue(kernel.kernel, global: global, local: local, wantEvent: recorder != nil)
        recorder?.record(kernel.signature.name, event)
    }
}

/// One layer-direction's launches per step, shared by every step window: for each parity
/// of the step index (which hidden buffer is read), the launches of one step in order. Each
/// takes the step index as `stepIndex` and, when it reads G, the window's first step as
/// `windowStart`.
struct StepLaunches {
    let byParity: [[Launch]]
}

/// How one layer's recurrence runs.
enum LayerRecurrence {
    /// Per step window, all its steps and directions in one launch of this kernel
    /// (`firstStep`, `stepCount` set per window) over `workers` work-groups; `sync` is
    /// zeroed before the layer, and `finalState` moves the state after the last step to
    /// where the other paths leave it. The kernel takes a `rescuePolls` argument
    /// (lstm_recurrence.cl).
    case persistent(BoundKernel, workers: Int, sync: Buffer, finalState: [BufferCopy])
    /// The launches of each step, per direction.
    case perStep([StepLaunches])
}

/// A device-side copy of `byteCount` bytes from `source` (at `sourceOffset`) to the start of
/// `destination`.
struct BufferCopy {
    let source: Buffer
    let sourceOffset: Int
    let destination: Buffer
    let byteCount: Int

    func enqueue(on queue: CommandQueue) throws {
        try queue.copy(from: source, sourceOffset: sourceOffset, to: destination, byteCount: byteCount)
    }
}
