// The GPU kernel family's program and packed weights for one model, and which family a
// selection resolves to.
import LSTMCore
import OpenCLKit

/// The GPU family's compiled kernels and device weights of one model.
final class GPUFamily {
    let kernels: GPUKernelSet
    let weights: [[GPUDeviceWeights]]

    init(model: LSTMModel, precision: WeightPrecision, tuning: GPUKernelTuning, context: Context, queue: CommandQueue) throws {
        let configuration = model.configuration
        kernels = try GPUKernelSet(context: context, configuration: configuration, precision: precision, tuning: tuning)
        weights = try model.layers.enumerated().map { layer, directions in
            try directions.map { layerWeights in
                try GPUDeviceWeights(layerWeights, layer: layer, configuration: configuration, gates: configuration.gateCount,
                                  precision: precision, context: context, queue: queue)
            }
        }
    }

    /// The family `selection` runs for this model on `device`. The GPU family's kernels know
    /// the standard gate functions only (σ, tanh, no clip, no coupled input and forget gates):
    /// for a model with others (an ONNX import), `auto` takes the CPU family, which has them
    /// all, and an explicit `gpu` is refused rather than run with the wrong functions.
    static func resolve(_ selection: KernelSelection, configuration: LSTMConfiguration, device: Device) throws -> KernelFamily {
        let family = selection.family(for: device.kind)
        guard family == .gpu, !configuration.gateFunctions.isStandard else { return family }
        if selection == .auto { return .cpu }
        throw ShapeError(
            "the GPU kernel family has the standard gate functions only (sigmoid, tanh, no clip, no input_forget); this model's are \(configuration.gateFunctions); use --kernels cpu or auto")
    }
}
