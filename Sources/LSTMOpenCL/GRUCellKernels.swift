// The GRU's kernels (gru_step.cl) and its packed weights: one fused launch per step and
// direction (two when the reset gate comes before W_hn, the ONNX default form).
import LSTMCore
import OpenCLKit

/// One GRU layer-direction's weights, packed and uploaded once.
struct GRUDeviceWeights {
    /// W_ih [Hp/VEC][I][3·VEC].
    let inputWeights: Buffer
    /// W_hh [Hp/VEC][H][3·VEC].
    let recurrentWeights: Buffer
    /// The bias folded into G, packed [3Hp]: b_ir + b_hr, b_iz + b_hz, and b_in (plus b_hn
    /// when the reset comes before W_hn, where b_hn is outside r's product).
    let inputSideBias: Buffer
    /// b_hn padded to [Hp]: the start of W_hn h's accumulators, inside r's product.
    let recurrentBias: Buffer

    init(_ weights: LayerWeights, layer: Int, build: KernelBuild, queue: CommandQueue) throws {
        let configuration = build.configuration
        let hidden = configuration.hiddenSize
        inputWeights = try build.uploadWeights(
            WeightPacking.packGateWeights(weights.inputWeights, gateCount: 3, hiddenSize: hidden, inputSize: configuration.layerInputSize(layer), blockWidth: build.blockWidth),
            queue: queue)
        recurrentWeights = try build.uploadWeights(
            WeightPacking.packGateWeights(weights.recurrentWeights, gateCount: 3, hiddenSize: hidden, inputSize: hidden, blockWidth: build.blockWidth),
            queue: queue)
        let bothSides = weights.combinedBias(rows: 3 * hidden)
        let candidateRows = (2 * hidden)..<(3 * hidden)
        let recurrentCandidate = candidateRows.map { Double(weights.recurrentBias?[$0] ?? 0) }
        var inputSide = bothSides.map(Float.init)
        if configuration.linearBeforeReset {
            for row in candidateRows { inputSide[row] = weights.inputBias?[row] ?? 0 }
        }
        inputSideBias = try build.uploadFloats(WeightPacking.packGateVector(inputSide, gateCount: 3, hiddenSize: hidden, blockWidth: build.blockWidth), queue: queue)
        recurrentBias = try build.uploadFloats(
            WeightPacking.padRows(recurrentCandidate.map(Float.init), rows: 1, width: hidden, blockWidth: build.blockWidth), queue: queue)
    }
}

/// The GRU's kernels over a model's packed weights.
final class GRUCellKernels: CellKernels {
    static let kernelFiles = ["gru_step.cl"]

    static func definitions(_ configuration: LSTMConfiguration) -> [String] {
        ["-D LINEAR_BEFORE_RESET=\(configuration.linearBeforeReset ? 1 : 0)", configuration.gateFunctions.compilerDefinitions]
            .filter { !$0.isEmpty }
    }

    /// Always per-step launches: the GRU has no persistent recurrence yet.
    static func recurrenceWorkers(tuning: KernelTuning, device: Device) -> Int { 0 }

    static func workspaceBuffers(
        configuration: LSTMConfiguration, blockWidth: Int, batch: Int, steps: Int, windowSteps: Int, workers: Int
    ) -> [WorkspaceBuffer] {
        configuration.linearBeforeReset ? [] : [
            WorkspaceBuffer(role: .resetHidden, count: configuration.directionCount, floats: batch * configuration.hiddenSize, writtenByPass: true),
        ]
    }

    let build: KernelBuild
    /// Packed weights, [layer][direction].
    private let weights: [[GRUDeviceWeights]]

    init(build: KernelBuild, model: LSTMModel, queue: CommandQueue) throws {
        self.build = build
        weights = try model.layers.enumerated().map { layer, directions in
            try directions.map { try GRUDeviceWeights($0, layer: layer, build: build, queue: queue) }
        }
    }

    func inputSide(layer: Int, direction: Int) -> (weights: Buffer, copies: Int, bias: Buffer) {
        (weights[layer][direction].inputWeights, 1, weights[layer][direction].inputSideBias)
    }

    func recurrence(layer: Int, workspace: Workspace, output: Buffer) throws -> LayerRecurrence {
        .perStep(try (0..<build.configuration.directionCount).map {
            try stepLaunches(layer: layer, direction: $0, workspace: workspace, output: output)
        })
    }

    private func stepLaunches(layer: Int, direction: Int, workspace: Workspace, output: Buffer) throws -> StepLaunches {
        let configuration = build.configuration
        let directions = configuration.directionCount
        let layerWeights = weights[layer][direction]
        let state = layer * directions + direction
        let batch = workspace.batch
        let hidden = configuration.hiddenSize
        let local = min(build.tuning.stepLocal, build.blocks)
        let global = [KernelBuild.tiles(batch, build.tuning.stepRows), KernelBuild.roundUp(build.blocks, local)]
        let shared: [String: KernelArgument] = [
            "G": .buffer(try workspace.buffer(.gates, direction)), "whh": .buffer(layerWeights.recurrentWeights),
            "out": .buffer(output), "lengths": .buffer(try workspace.buffer(.lengths)),
            "B": .int(Int32(batch)), "H": .int(Int32(hidden)), "blocks": .int(Int32(build.blocks)),
            "stepIndex": .int(0), "reverse": .int(direction == 1 ? 1 : 0), "windowStart": .int(0),
            "outStride": .int(Int32(directions * hidden)), "outOffset": .int(Int32(direction * hidden)),
        ]
        func bind(_ signature: KernelSignature, _ extra: [String: KernelArgument]) throws -> Launch {
            let arguments = shared.merging(extra) { $1 }.filter { signature.parameters.contains($0.key) }
            return Launch(kernel: try BoundKernel(signature, in: build.program, arguments: arguments), global: global, local: [1, local])
        }
        let byParity = try (0..<2).map { parity -> [Launch] in
            let states: [String: KernelArgument] = [
                "hPrev": .buffer(try workspace.hidden(state: state, parity: parity)),
                "hNext": .buffer(try workspace.hidden(state: state, parity: 1 - parity)),
            ]
            if configuration.linearBeforeReset {
                return [try bind(.gruStep, states.merging(["recurrentBias": .buffer(layerWeights.recurrentBias)]) { $1 })]
            }
            let reset = states.merging(["resetHidden": .buffer(try workspace.buffer(.resetHidden, direction))]) { $1 }
            return [try bind(.gruResetGate, reset), try bind(.gruCandidate, reset)]
        }
        return StepLaunches(byParity: byParity)
    }
}
