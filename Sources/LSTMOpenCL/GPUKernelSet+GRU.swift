// Launch builders of the GPU family's GRU kernels (Kernels/gpu_gru.cl): gpu_gru_step, and
// gpu_gru_reset before it when the reset gate comes before W_hn (ONNX's default form).
import LSTMCore
import OpenCLKit

extension GPUKernelSet {
    /// Index of `step` in `gpu_gru_step` (`windowStart` follows).
    static let gruStepArgument = 10
    /// Index of `step` in `gpu_gru_reset` (`windowStart` follows).
    static let gruResetStepArgument = 7

    /// The fused GRU step of one layer and direction. `resetHidden` is r⊙h [B][H] (read in
    /// the reset-first form; any buffer otherwise).
    // swiftlint:disable:next function_parameter_count
    func gruStep(reverse: Bool, batch: Int, weights: GPUDeviceWeights, gates: Buffer, history: Buffer, resetHidden: Buffer,
                 output: Buffer, outputOffset: Int, lengths: Buffer) throws -> GPULaunch {
        let kernel = try program.kernel(named: "gpu_gru_step")
        let hidden = configuration.hiddenSize
        try kernel.setArguments([
            .buffer(gates), .buffer(weights.recurrentWeights), .buffer(weights.candidateBias), .buffer(history),
            .buffer(resetHidden), .buffer(output), .buffer(lengths),
        ] + [batch, hidden, paddedHidden, 0, 0, reverse ? 1 : 0, configuration.directionCount * hidden, outputOffset,
             Self.slotFloats(batch: batch, width: hidden)]
            .map { .int(Int32($0)) })
        return GPULaunch(kernel: kernel, global: [tiles * groupSize, Self.tiles(batch, tuning.batchTile)], local: [groupSize, 1])
    }

    /// The reset gate's launch (rh = r⊙h) of the reset-first form.
    func gruReset(batch: Int, weights: GPUDeviceWeights, gates: Buffer, history: Buffer, resetHidden: Buffer) throws -> GPULaunch {
        let kernel = try program.kernel(named: "gpu_gru_reset")
        let hidden = configuration.hiddenSize
        try kernel.setArguments([
            .buffer(gates), .buffer(weights.recurrentWeights), .buffer(history), .buffer(resetHidden),
        ] + [batch, hidden, paddedHidden, 0, 0, Self.slotFloats(batch: batch, width: hidden)].map { .int(Int32($0)) })
        return GPULaunch(kernel: kernel, global: [tiles * groupSize, Self.tiles(batch, tuning.batchTile)], local: [groupSize, 1])
    }
}
