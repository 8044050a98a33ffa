// The input-projection GEMM of one layer-direction (input_projection.cl), shared by every
// cell: G = W_ih x + bias for the steps of one window, in the gate-interleaved layout. Cells
// with a persistent recurrence run it persistent too: one work-group per worker, each with
// its own rows and its own copy of the weights.
import LSTMCore
import OpenCLKit

/// A bound input-projection kernel; ``enqueue(firstStep:steps:on:recorder:)`` sets its window.
struct InputProjection {
    let kernel: BoundKernel
    let batch: Int
    let build: KernelBuild
    /// Work-groups of the persistent form, or 0 for one work-item per (row group, block).
    let workers: Int
    /// The persistent form's claim counters ([workers + 1][KernelBuild.syncStride] ints),
    /// zeroed before each pass.
    let claims: Buffer?

    /// `copies` copies of the packed weights lie one after another in `weights`
    /// (``weightCopies(workers:bytesPerCopy:)``); `workers` > 0 runs the persistent form.
    init(build: KernelBuild, input: Buffer, inputSize: Int, weights: Buffer, copies: Int, bias: Buffer, gates: Buffer,
         lengths: Buffer, batch: Int, reverse: Bool, workers: Int) throws {
        var arguments: [String: KernelArgument] = [
            "x": .buffer(input), "rows": .int(0), "K": .int(Int32(inputSize)), "xStride": .int(Int32(inputSize)),
            "w": .buffer(weights), "bias": .buffer(bias), "G": .buffer(gates), "blocks": .int(Int32(build.blocks)),
            "B": .int(Int32(batch)), "lengths": .buffer(lengths), "firstStep": .int(0), "reverse": .int(reverse ? 1 : 0),
        ]
        if workers > 0 {
            let claims = try Buffer(context: build.context, byteCount: (workers + 1) * KernelBuild.syncStride * 4)
            arguments["claims"] = .buffer(claims)
            arguments["copies"] = .int(Int32(max(1, copies)))
            // Only read with several copies, which the copy budget keeps far below 2^31 weights.
            arguments["copyElements"] = .int(Int32(clamping: build.blocks * inputSize * build.blockWidth * build.configuration.gateCount))
            arguments["bandBlocks"] = .int(Int32(Self.bandBlocks(
                panelBytes: inputSize * build.blockWidth * build.configuration.gateCount * build.precision.byteWidth,
                blocks: build.blocks)))
            kernel = try BoundKernel(.inputProjectionPersistent, in: build.program, arguments: arguments)
            self.claims = claims
        } else {
            kernel = try BoundKernel(.inputProjection, in: build.program, arguments: arguments)
            claims = nil
        }
        self.batch = batch
        self.build = build
        self.workers = workers
    }

    /// The most bytes of weight copies a layer-direction may take: beyond it the workers share
    /// one copy (on many-core machines, or for very large layers).
    static let copyBudgetBytes = 256 << 20

    /// Copies of the packed weights the persistent form reads: one per worker where they fit
    /// ``copyBudgetBytes``, else one.
    static func weightCopies(workers: Int, bytesPerCopy: Int) -> Int {
        workers > 1 && workers * bytesPerCopy <= copyBudgetBytes ? workers : 1
    }

    /// Blocks per band, the blocks whose panels (`panelBytes` each) the persistent form walks
    /// together while they stay in L2: half of a core's L2 (``HostCacheSizes/level2Bytes``, else
    /// 512 KiB, the smallest of the x86 CPUs this runs on), at least one block.
    static func bandBlocks(panelBytes: Int, blocks: Int) -> Int {
        let budget = (HostCacheSizes.level2Bytes ?? 512 << 10) / 2
        return min(blocks, max(1, budget / max(1, panelBytes)))
    }

    /// Enqueues the GEMM over the `steps` steps from `firstStep`. Arguments are captured at
    /// enqueue, so one kernel object serves every window.
    func enqueue(firstStep: Int, steps: Int, on queue: CommandQueue, recorder: ProfileRecorder?) throws {
        let rows = steps * batch
        try kernel.set("rows", rows)
        try kernel.set("firstStep", firstStep)
        if workers > 0 {
            try Launch(kernel: kernel, global: [workers], local: [1]).enqueue(on: queue, recorder: recorder)
            return
        }
        let tuning = build.tuning
        let global = [KernelBuild.roundUp(KernelBuild.tiles(rows, tuning.gemmRows * tuning.gemmTiles), tuning.gemmLocal), build.blocks]
        try Launch(kernel: kernel, global: global, local: [tuning.gemmLocal, 1]).enqueue(on: queue, recorder: recorder)
    }
}
