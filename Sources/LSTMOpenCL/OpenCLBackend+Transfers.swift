// Host <-> device transfers of one forward pass: one or two blocking writes (the sequence,
// lengths and initial states) and one blocking read of everything it returns, with
// device-side copies in between (layouts in Workspace.swift, `Staging`). Large arrays are
// never copied on the host: the sequence goes out as it is and the output is the read
// buffer, truncated in place. On CPU devices the CPU family's kernels use the caller's large
// arrays themselves (OpenCLBackend+HostMemory); the GPU family's move through mappings there,
// copied by all of the host's cores (HostCopy).
import LSTMCore
import OpenCLKit

extension OpenCLBackend {
    /// Sequences up to this many floats (1 MiB) are copied into the staging write.
    static let sequenceCopyLimit = 1 << 18

    /// Writes the sequence, lengths and initial states into the input buffer's staging area
    /// and enqueues the copies to their working buffers. With `sequenceInPlace` the kernels
    /// read the sequence from host memory (``runInHostMemory(_:workspace:plan:recorder:)``) and only the
    /// rest is written.
    func upload(_ problem: ForwardProblem, to workspace: Workspace, sequenceInPlace: Bool = false) throws {
        let configuration = model.configuration
        let batch = problem.batch
        let layout = Staging(steps: problem.steps, batch: batch, configuration: configuration, blockWidth: workspace.blockWidth)
        // A small sequence travels with the rest in one write; a large one goes on its own
        // rather than being copied on the host.
        let together = !sequenceInPlace && problem.sequence.count <= Self.sequenceCopyLimit
        var lengthsAndStates = problem.lengths.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
        lengthsAndStates.reserveCapacity(layout.inputEnd - layout.lengths)
        lengthsAndStates += problem.initialHidden
        let cellWidth = configuration.cellStateSize
        for state in 0..<(configuration.layerCount * configuration.directionCount) where cellWidth > 0 {
            let cell = Array(problem.initialCell[(state * batch * cellWidth)..<((state + 1) * batch * cellWidth)])
            lengthsAndStates += WeightPacking.padRows(cell, rows: batch, width: cellWidth, blockWidth: workspace.blockWidth)
        }
        if !together && !sequenceInPlace { try writeLarge(problem.sequence, to: workspace.buffer(.input)) }
        // Without waiting (a blocking write is a round trip to PoCL's threads, about 0.1 ms on
        // a 2-vCPU VM); the pass's final read waits for it (OpenCLKit's StagedWrites).
        let sequenceBytes = together ? problem.sequence.count * 4 : 0
        try queue.enqueueStagedWrite(
            to: workspace.buffer(.input), byteOffset: together ? 0 : layout.lengths * 4, byteCount: sequenceBytes + lengthsAndStates.count * 4
        ) { staged in
            if together { problem.sequence.withUnsafeBytes { staged.copyMemory(from: $0) } }
            lengthsAndStates.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: staged[sequenceBytes...]).copyMemory(from: $0) }
        }

        let input = try workspace.buffer(.input)
        try queue.copy(from: input, sourceOffset: layout.lengths * 4, to: workspace.buffer(.lengths), byteCount: batch * 4)
        for state in 0..<Self.stateCount(configuration) {
            try queue.copy(
                from: input, sourceOffset: (layout.initialHidden + state * layout.hiddenPerState) * 4,
                to: workspace.hidden(state: state, parity: 0), byteCount: layout.hiddenPerState * 4)
            guard layout.cellPerState > 0 else { continue }
            try queue.copy(
                from: input, sourceOffset: (layout.initialCell + state * layout.cellPerState) * 4,
                to: workspace.buffer(.cellState, state), byteCount: layout.cellPerState * 4)
        }
    }

    /// Copies the final states behind the last layer's output and reads it all at once.
    func download(_ problem: ForwardProblem, from workspace: Workspace) throws -> ForwardResult {
        let layout = try enqueueFinalStateCopies(problem, in: workspace)
        var all = try readLarge(workspace.layerOutput(model.configuration.layerCount - 1), count: layout.outputEnd)
        let states = finalStates(Array(all[layout.finalHidden...]), layout: layout, batch: problem.batch, blockWidth: workspace.blockWidth)
        all.removeSubrange(layout.finalHidden...)
        return ForwardResult(output: all, finalHidden: states.hidden, finalCell: states.cell)
    }

    /// Copies the final states behind the last layer's output (``Staging``) and returns the
    /// layout that places them.
    func enqueueFinalStateCopies(_ problem: ForwardProblem, in workspace: Workspace) throws -> Staging {
        let configuration = model.configuration
        let layout = Staging(steps: problem.steps, batch: problem.batch, configuration: configuration, blockWidth: workspace.blockWidth)
        let finalOutput = try workspace.layerOutput(configuration.layerCount - 1)
        for state in 0..<Self.stateCount(configuration) {
            try queue.copy(
                from: workspace.hidden(state: state, parity: problem.steps % 2), to: finalOutput,
                destinationOffset: (layout.finalHidden + state * layout.hiddenPerState) * 4, byteCount: layout.hiddenPerState * 4)
            guard layout.cellPerState > 0 else { continue }
            try queue.copy(
                from: workspace.buffer(.cellState, state), to: finalOutput,
                destinationOffset: (layout.finalCell + state * layout.cellPerState) * 4, byteCount: layout.cellPerState * 4)
        }
        return layout
    }

    /// h_n and c_n (unpadded) from the staged final states [h_n S·B·H_out][c_n S·B·Hp] that
    /// `layout` places behind the output.
    func finalStates(_ staged: [Float], layout: Staging, batch: Int, blockWidth: Int) -> (hidden: [Float], cell: [Float]) {
        let configuration = model.configuration
        let cellStart = layout.finalCell - layout.finalHidden
        var cell: [Float] = []
        cell.reserveCapacity(Self.stateCount(configuration) * batch * configuration.cellStateSize)
        for state in 0..<Self.stateCount(configuration) where layout.cellPerState > 0 {
            let start = cellStart + state * layout.cellPerState
            cell += WeightPacking.unpadRows(
                Array(staged[start..<(start + layout.cellPerState)]), rows: batch, width: configuration.hiddenSize,
                blockWidth: blockWidth)
        }
        return (Array(staged[..<cellStart]), cell)
    }

    /// Writes `values` from the start of `buffer`: on a CPU device through a mapping that the
    /// host's cores fill (``HostCopy``), elsewhere with the driver's write.
    private func writeLarge(_ values: [Float], to buffer: Buffer) throws {
        let bytes = values.count * MemoryLayout<Float>.stride
        guard copiesThroughMapping(byteCount: bytes) else { return try queue.write(values, to: buffer) }
        let copied = try queue.withMapped(buffer, byteCount: bytes, access: .overwrite) { mapped in
            values.withUnsafeBytes { source in
                guard let from = source.baseAddress, let to = mapped.baseAddress else { return false }
                HostCopy.copy(from: from, to: to, byteCount: bytes)
                return true
            }
        }
        // Without an address to copy from or to, the driver's write still delivers the values.
        if !copied { try queue.write(values, to: buffer) }
    }

    /// Reads the first `count` floats of `buffer` (after every command enqueued so far): on a
    /// CPU device through a mapping that the host's cores drain, elsewhere with the driver's read.
    private func readLarge(_ buffer: Buffer, count: Int) throws -> [Float] {
        let bytes = count * MemoryLayout<Float>.stride
        guard copiesThroughMapping(byteCount: bytes) else { return try queue.readFloats(buffer, count: count) }
        let values = try [Float](unsafeUninitializedCapacity: count) { storage, initialized in
            let copied = try queue.withMapped(buffer, byteCount: bytes, access: .read) { mapped in
                guard let from = mapped.baseAddress, let to = storage.baseAddress else { return false }
                HostCopy.copy(from: from, to: to, byteCount: bytes)
                return true
            }
            // Only elements that were copied count as initialised.
            initialized = copied ? count : 0
        }
        // Without an address to copy from or to, the driver's read still delivers the values.
        return values.count == count ? values : try queue.readFloats(buffer, count: count)
    }

    /// Whether a transfer of `byteCount` bytes goes through a mapping: on CPU devices, where the
    /// buffer is host memory, when it is large enough to split between threads.
    private func copiesThroughMapping(byteCount: Int) -> Bool {
        device.kind == .cpu && HostCopy.threads(byteCount: byteCount) > 1
    }

    /// States (layer-directions), numbered layer-major as h0 and c0 order them.
    static func stateCount(_ configuration: LSTMConfiguration) -> Int {
        configuration.layerCount * configuration.directionCount
    }
}
