// The LSTM's kernels (lstm_step.cl, lstm_projection.cl, lstm_recurrence.cl) and its packed
// weights: on CPU devices one persistent recurrence launch per layer and step window,
// elsewhere one fused step launch per step (plus one projection launch with `proj_size`).
import LSTMCore
import OpenCLKit

/// One LSTM layer-direction's weights, packed and uploaded once.
struct LSTMDeviceWeights {
    /// W_ih [Hp/VEC][I][4·VEC], ``inputCopies`` times over (one per persistent worker).
    let inputWeights: Buffer
    /// Copies of W_ih in ``inputWeights`` (InputProjection.weightCopies).
    let inputCopies: Int
    /// W_hh [Hp/VEC][K][4·VEC].
    let recurrentWeights: Buffer
    /// bias_ih + bias_hh, packed [4Hp].
    let bias: Buffer
    /// [3][Hp], or a placeholder without peepholes.
    let peepholes: Buffer
    /// W_hr [Pp/VEC][H][VEC], or a placeholder without projection.
    let projection: Buffer

    init(_ weights: LayerWeights, layer: Int, build: KernelBuild, queue: CommandQueue) throws {
        let configuration = build.configuration
        let hidden = configuration.hiddenSize
        let packedInput = WeightPacking.packGateWeights(
            weights.inputWeights, gateCount: 4, hiddenSize: hidden, inputSize: configuration.layerInputSize(layer), blockWidth: build.blockWidth)
        inputCopies = InputProjection.weightCopies(
            workers: build.projectionWorkers, bytesPerCopy: packedInput.count * build.precision.byteWidth)
        inputWeights = try build.uploadWeights(Array(repeating: packedInput, count: inputCopies).flatMap { $0 }, queue: queue)
        recurrentWeights = try build.uploadWeights(
            WeightPacking.packGateWeights(weights.recurrentWeights, gateCount: 4, hiddenSize: hidden, inputSize: configuration.outputSize, blockWidth: build.blockWidth),
            queue: queue)
        let bias = weights.combinedBias(rows: 4 * hidden).map(Float.init)
        self.bias = try build.uploadFloats(WeightPacking.packGateVector(bias, gateCount: 4, hiddenSize: hidden, blockWidth: build.blockWidth), queue: queue)
        peepholes = try build.uploadFloats(
            weights.peepholeWeights.map { WeightPacking.padRows($0, rows: 3, width: hidden, blockWidth: build.blockWidth) } ?? [], queue: queue)
        projection = try weights.projectionWeights.map {
            try build.uploadWeights(
                WeightPacking.packProjection($0, projectionSize: configuration.projectionSize, hiddenSize: hidden, blockWidth: build.blockWidth), queue: queue)
        } ?? build.uploadFloats([0, 0, 0, 0], queue: queue)
    }
}

/// The LSTM's kernels over a model's packed weights.
final class LSTMCellKernels: CellKernels {
    static let kernelFiles = ["lstm_step.cl", "lstm_projection.cl", "lstm_recurrence.cl"]

    static func definitions(_ configuration: LSTMConfiguration) -> [String] {
        ["-D HAS_PEEPHOLES=\(configuration.hasPeepholes ? 1 : 0)", "-D HAS_PROJECTION=\(configuration.projectionSize > 0 ? 1 : 0)",
         configuration.gateFunctions.compilerDefinitions].filter { !$0.isEmpty }
    }

    /// One persistent worker per compute unit on CPU devices when the tuning asks for it
    /// (lstm_recurrence.cl states why only CPUs); 0 means per-step launches.
    static func recurrenceWorkers(tuning: KernelTuning, device: Device) -> Int {
        tuning.persistentRecurrence && device.kind == .cpu ? max(1, device.computeUnits) : 0
    }

    static func workspaceBuffers(
        configuration: LSTMConfiguration, blockWidth: Int, batch: Int, steps: Int, windowSteps: Int, workers: Int
    ) -> [WorkspaceBuffer] {
        let states = configuration.layerCount * configuration.directionCount
        let directions = configuration.directionCount
        let padded = batch * WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: blockWidth)
        var buffers = [
            WorkspaceBuffer(role: .cellState, count: states, floats: padded, writtenByPass: false),
            WorkspaceBuffer(role: .projectionInput, count: directions, floats: padded, writtenByPass: true),
        ]
        guard workers > 0 else { return buffers + [WorkspaceBuffer(role: .sync, count: 1, floats: 1, writtenByPass: false)] }
        let slots = ringSlots(windowSteps: windowSteps)
        // Tile flags [2 phases][flag stride], then counters [steps][2 phases][workers + 1][16]
        // (lstm_recurrence.cl).
        let syncCount = 2 * flagStride(configuration: configuration, blockWidth: blockWidth, batch: batch)
            + steps * 2 * (workers + 1) * KernelBuild.syncStride
        buffers += [
            WorkspaceBuffer(role: .hiddenRing, count: directions, floats: slots * batch * configuration.outputSize, writtenByPass: true),
            WorkspaceBuffer(role: .cellRing, count: directions, floats: slots * padded, writtenByPass: true),
            WorkspaceBuffer(role: .projectionRing, count: configuration.projectionSize > 0 ? directions : 0,
                            floats: slots * padded, writtenByPass: true),
            WorkspaceBuffer(role: .sync, count: 1, floats: syncCount, writtenByPass: false),
        ]
        return buffers
    }

    /// Polls in which a step's done counter does not move before a waiting worker of the
    /// persistent recurrence computes the step's missing tiles itself (lstm_recurrence.cl). A
    /// poll hits L1 and takes about 2 cycles (timed with the cycle counter on the Xeon), so 2^15
    /// polls are some tens of microseconds: several tiles' time, more than the step-end waits of workers that both run,
    /// and far less than the milliseconds a shared machine takes a vCPU away.
    static let rescuePolls = 1 << 15


    /// Slots of the persistent recurrence's state rings: one per step of a window, plus the
    /// slot the window starts from, so that no launch overwrites what one of its steps reads.
    static func ringSlots(windowSteps: Int) -> Int { windowSteps + 1 }

    /// Tile flags per phase of the persistent recurrence: at least the tiles of either phase
    /// in a step, every direction, rounded up to whole counters. Phase 0 has D · row groups ·
    /// blocks tiles (fewer at batch 1, which groups blocks), phase 1 D · projection row tiles ·
    /// projected blocks; B bounds both row counts whatever the tuning.
    static func flagStride(configuration: LSTMConfiguration, blockWidth: Int, batch: Int) -> Int {
        let directions = configuration.directionCount
        let blocks = WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: blockWidth) / blockWidth
        let gateTiles = directions * batch * blocks
        let projectedBlocks = WeightPacking.paddedUnits(configuration.outputSize, blockWidth: blockWidth) / blockWidth
        let projectionTiles = configuration.projectionSize > 0 ? directions * batch * projectedBlocks : 0
        return KernelBuild.roundUp(max(gateTiles, projectionTiles, 1), KernelBuild.syncStride)
    }

    let build: KernelBuild
    /// Packed weights, [layer][direction].
    private let weights: [[LSTMDeviceWeights]]

    init(build: KernelBuild, model: LSTMModel, queue: CommandQueue) throws {
        self.build = build
        weights = try model.layers.enumerated().map { layer, directions in
            try directions.map { try LSTMDeviceWeights($0, layer: layer, build: build, queue: queue) }
        }
    }

    func inputSide(layer: Int, direction: Int) -> (weights: Buffer, copies: Int, bias: Buffer) {
        (weights[layer][direction].inputWeights, weights[layer][direction].inputCopies, weights[layer][direction].bias)
    }

    func recurrence(layer: Int, workspace: Workspace, output: Buffer) throws -> LayerRecurrence {
        let directions = build.configuration.directionCount
        guard build.recurrenceWorkers > 0 else {
            return .perStep(try (0..<directions).map { try stepLaunches(layer: layer, direction: $0, workspace: workspace, output: output) })
        }
        return .persistent(try persistentRecurrence(layer: layer, workspace: workspace, output: output),
                           workers: build.recurrenceWorkers, sync: try workspace.buffer(.sync),
                           finalState: try finalStateCopies(layer: layer, workspace: workspace))
    }

    /// The persistent recurrence leaves h and c after the last step in ring slot T mod slots;
    /// these copies put them where the per-step path leaves them (h in the parity-T buffer,
    /// c in the cell state), which the final-state read and streaming take them from.
    private func finalStateCopies(layer: Int, workspace: Workspace) throws -> [BufferCopy] {
        let configuration = build.configuration
        let slot = workspace.steps % Self.ringSlots(windowSteps: workspace.windowSteps)
        let hiddenBytes = workspace.batch * configuration.outputSize * 4
        let cellBytes = workspace.batch * build.paddedHidden * 4
        return try (0..<directions).flatMap { direction -> [BufferCopy] in
            let state = layer * directions + direction
            return [
                BufferCopy(source: try workspace.buffer(.hiddenRing, direction), sourceOffset: slot * hiddenBytes,
                           destination: try workspace.hidden(state: state, parity: workspace.steps % 2), byteCount: hiddenBytes),
                BufferCopy(source: try workspace.buffer(.cellRing, direction), sourceOffset: slot * cellBytes,
                           destination: try workspace.buffer(.cellState, state), byteCount: cellBytes),
            ]
        }
    }

    /// lstm_step (and lstm_projection) for each parity of one layer-direction.
    private func stepLaunches(layer: Int, direction: Int, workspace: Workspace, output: Buffer) throws -> StepLaunches {
        let configuration = build.configuration
        let tuning = build.tuning
        let layerWeights = weights[layer][direction]
        let state = layer * configuration.directionCount + direction
        let batch = workspace.batch
        let outputSize = configuration.outputSize
        let shared: [String: KernelArgument] = [
            "out": .buffer(output), "lengths": .buffer(try workspace.buffer(.lengths)), "B": .int(Int32(batch)),
            "stepIndex": .int(0), "reverse": .int(direction == 1 ? 1 : 0),
            "outStride": .int(Int32(directions * outputSize)), "outOffset": .int(Int32(direction * outputSize)),
        ]
        let byParity = try (0..<2).map { parity -> [Launch] in
            let hPrev = try workspace.hidden(state: state, parity: parity)
            let hNext = try workspace.hidden(state: state, parity: 1 - parity)
            let hRaw = try workspace.buffer(.projectionInput, direction)
            let step = try BoundKernel(.lstmStep, in: build.program, arguments: shared.merging([
                "G": .buffer(try workspace.buffer(.gates, direction)), "whh": .buffer(layerWeights.recurrentWeights),
                "peephole": .buffer(layerWeights.peepholes), "hPrev": .buffer(hPrev), "hNext": .buffer(hNext),
                "c": .buffer(try workspace.buffer(.cellState, state)), "hRaw": .buffer(hRaw),
                "K": .int(Int32(outputSize)), "H": .int(Int32(configuration.hiddenSize)),
                "blocks": .int(Int32(build.blocks)), "windowStart": .int(0),
            ]) { $1 })
            let local = min(tuning.stepLocal, build.blocks)
            var launches = [Launch(
                kernel: step, global: [KernelBuild.tiles(batch, tuning.stepRows * tuning.stepTiles), KernelBuild.roundUp(build.blocks, local)],
                local: [1, local])]
            if configuration.projectionSize > 0 {
                let projection = try BoundKernel(.lstmProjection, in: build.program, arguments: shared.merging([
                    "hRaw": .buffer(hRaw), "whr": .buffer(layerWeights.projection), "hPrev": .buffer(hPrev),
                    "hNext": .buffer(hNext), "H": .int(Int32(configuration.hiddenSize)),
                    "Hp": .int(Int32(build.paddedHidden)), "P": .int(Int32(outputSize)),
                ]) { $1 })
                let projectionBlocks = WeightPacking.paddedUnits(outputSize, blockWidth: build.blockWidth) / build.blockWidth
                launches.append(Launch(
                    kernel: projection, global: [KernelBuild.tiles(batch, tuning.projectionRows), projectionBlocks], local: [1, 1]))
            }
            return launches
        }
        return StepLaunches(byParity: byParity)
    }

    private var directions: Int { build.configuration.directionCount }

    /// lstm_recurrence of one layer, every direction in one launch (the second direction's
    /// buffers repeat the first's when there is only one).
    private func persistentRecurrence(layer: Int, workspace: Workspace, output: Buffer) throws -> BoundKernel {
        let configuration = build.configuration
        let last = directions - 1
        let firstState = layer * directions
        let rowGroups = KernelBuild.tiles(workspace.batch, build.tuning.stepRows * build.tuning.stepTiles)
        let tilesPerStep = directions * rowGroups * build.blocks
        // The smallest claim: about 1/64 of a worker's share (claims start larger, see the kernel).
        let claim = max(1, tilesPerStep / (build.recurrenceWorkers * 64))
        var arguments: [String: KernelArgument] = [
            "out": .buffer(output), "lengths": .buffer(try workspace.buffer(.lengths)), "sync": .buffer(try workspace.buffer(.sync)),
            "B": .int(Int32(workspace.batch)), "K": .int(Int32(configuration.outputSize)),
            "H": .int(Int32(configuration.hiddenSize)), "blocks": .int(Int32(build.blocks)), "firstStep": .int(0),
            "stepCount": .int(0), "directions": .int(Int32(directions)),
            "outStride": .int(Int32(directions * configuration.outputSize)), "claim": .int(Int32(claim)),
            "ringSlots": .int(Int32(Self.ringSlots(windowSteps: workspace.windowSteps))),
            "flagStride": .int(Int32(Self.flagStride(configuration: configuration, blockWidth: build.blockWidth, batch: workspace.batch))),
            "rescuePolls": .int(Int32(Self.rescuePolls)),
            // The fused input projection's x (bound unfused too; the kernel then ignores it).
            "x": .buffer(try workspace.layerInput(layer)),
            "I": .int(Int32(configuration.layerInputSize(layer))),
            "xStride": .int(Int32(configuration.layerInputSize(layer))),
        ]
        for (slot, direction) in [(0, 0), (1, last)] {
            let layerWeights = weights[layer][direction]
            let state = firstState + direction
            arguments["G\(slot)"] = .buffer(try workspace.buffer(.gates, direction))
            arguments["whh\(slot)"] = .buffer(layerWeights.recurrentWeights)
            arguments["peephole\(slot)"] = .buffer(layerWeights.peepholes)
            arguments["hInit\(slot)"] = .buffer(try workspace.hidden(state: state, parity: 0))
            arguments["cInit\(slot)"] = .buffer(try workspace.buffer(.cellState, state))
            arguments["hRing\(slot)"] = .buffer(try workspace.buffer(.hiddenRing, direction))
            arguments["cRing\(slot)"] = .buffer(try workspace.buffer(.cellRing, direction))
            // Without projection the kernel never touches hRaw; any buffer binds the argument.
            arguments["hRawRing\(slot)"] = .buffer(try workspace.buffer(
                configuration.projectionSize > 0 ? .projectionRing : .cellRing, direction))
            arguments["whr\(slot)"] = .buffer(layerWeights.projection)
            arguments["wih\(slot)"] = .buffer(layerWeights.inputWeights)
            arguments["bias\(slot)"] = .buffer(layerWeights.bias)
        }
        return try BoundKernel(.lstmRecurrence, in: build.program, arguments: arguments)
    }
}
