// The input-projection GEMM of one layer-direction (input_projection.cl), shared by every
// cell: G = W_ih x + bias for the steps of one window, in the gate-interleaved layout.
import LSTMCore
import OpenCLKit

/// A bound input_projection kernel; ``enqueue(firstStep:steps:on:recorder:)`` sets its window.
struct InputProjection {
    let kernel: BoundKernel
    let batch: Int
    let build: KernelBuild

    init(build: KernelBuild, input: Buffer, inputSize: Int, weights: Buffer, bias: Buffer, gates: Buffer,
         lengths: Buffer, batch: Int, reverse: Bool) throws {
        kernel = try BoundKernel(.inputProjection, in: build.program, arguments: [
            "x": .buffer(input), "rows": .int(0), "K": .int(Int32(inputSize)), "xStride": .int(Int32(inputSize)),
            "w": .buffer(weights), "bias": .buffer(bias), "G": .buffer(gates), "blocks": .int(Int32(build.blocks)),
            "B": .int(Int32(batch)), "lengths": .buffer(lengths), "firstStep": .int(0), "reverse": .int(reverse ? 1 : 0),
        ])
        self.batch = batch
        self.build = build
    }

    /// Enqueues the GEMM over the `steps` steps from `firstStep`. Arguments are captured at
    /// enqueue, so one kernel object serves every window.
    func enqueue(firstStep: Int, steps: Int, on queue: CommandQueue, recorder: ProfileRecorder?) throws {
        let rows = steps * batch
        try kernel.set("rows", rows)
        try kernel.set("firstStep", firstStep)
        let tuning = build.tuning
        let global = [KernelBuild.roundUp(KernelBuild.tiles(rows, tuning.gemmRows * tuning.gemmTiles), tuning.gemmLocal), build.blocks]
        try Launch(kernel: kernel, global: global, local: [tuning.gemmLocal, 1]).enqueue(on: queue, recorder: recorder)
    }
}
