// Forward passes on CPU devices whose kernels read the sequence from the caller's array and
// write the output into the result's array (buffers over host memory, CL_MEM_USE_HOST_PTR):
// PoCL's buffers are host memory, so the kernels use those arrays themselves and neither is
// copied. At (256, 256, 256, 100) the copies took about 2 ms of a 75 ms pass on an AMD EPYC
// Zen 5 (26 MB each way; Benchmarks/RESULTS.md). Only the lengths, the initial states and the
// final states still move through the workspace.
import LSTMCore
import OpenCLKit

extension OpenCLBackend {
    /// Whether `problem` runs with its sequence and output in host memory: the CPU kernel
    /// family on a CPU device, when either array is over ``sequenceCopyLimit`` floats (smaller
    /// sequences travel in the pass's one staging write, and a small output with the final
    /// states in its one read).
    func runsInHostMemory(_ problem: ForwardProblem) -> Bool {
        let outputCount = self.outputCount(problem)
        guard family == .cpu, device.kind == .cpu, !problem.sequence.isEmpty, outputCount > 0 else { return false }
        return max(problem.sequence.count, outputCount) > Self.sequenceCopyLimit
    }

    /// One forward pass with the sequence read from `problem.sequence` and the output written
    /// into the returned array by the kernels: every kernel argument bound to the workspace's
    /// input buffer or to the last layer's output buffer is bound to a buffer over that
    /// memory for the pass, and back afterwards. Earlier layers that share the last layer's
    /// output buffer write there too (the last layer overwrites it); the final states are
    /// still copied behind the output in the workspace and read from there.
    func runInHostMemory(_ problem: ForwardProblem, workspace: Workspace, plan: ForwardPlan, recorder: ProfileRecorder?) throws
        -> ForwardResult
    {
        let outputCount = self.outputCount(problem)
        let workspaceInput = try workspace.buffer(.input)
        let workspaceOutput = try workspace.layerOutput(model.configuration.layerCount - 1)
        var states: (hidden: [Float], cell: [Float]) = ([], [])
        let output = try [Float](unsafeUninitializedCapacity: outputCount) { storage, initialized in
            try problem.sequence.withUnsafeBufferPointer { sequence in
                guard let outputMemory = storage.baseAddress, let sequenceMemory = sequence.baseAddress else {
                    throw OpenCLError(call: "clCreateBuffer", code: -61, detail: "no host memory for the sequence or the output")
                }
                let input = try Buffer(
                    context: context, wrapping: UnsafeMutableRawPointer(mutating: sequenceMemory), byteCount: sequence.count * 4,
                    readOnly: true)
                let output = try Buffer(context: context, wrapping: UnsafeMutableRawPointer(outputMemory), byteCount: outputCount * 4, readOnly: false)
                let bindings = [(workspaceInput, input), (workspaceOutput, output)]
                do {
                    try rebind(plan, bindings)
                    if poisonsWorkspace { try queue.fill(output, with: .nan) }
                    try upload(problem, to: workspace, sequenceInPlace: true)
                    try plan.enqueue(on: queue, recorder: recorder)
                    let layout = try enqueueFinalStateCopies(problem, in: workspace)
                    // A blocking read: every command of the pass has finished after it.
                    let staged = try queue.readFloats(workspaceOutput, count: layout.outputEnd - layout.finalHidden, offset: layout.finalHidden)
                    states = finalStates(staged, layout: layout, batch: problem.batch, blockWidth: workspace.blockWidth)
                    // The output is the caller's once mapped; a driver that kept its own copy
                    // hands that back here, and it is copied over.
                    try queue.withMapped(output, byteCount: outputCount * 4, access: .read) { mapped in
                        guard let from = mapped.baseAddress, from != UnsafeMutableRawPointer(outputMemory) else { return }
                        UnsafeMutableRawPointer(outputMemory).copyMemory(from: from, byteCount: outputCount * 4)
                    }
                    try queue.finish()
                } catch {
                    // No command may still use the arrays once this returns.
                    try? queue.finish()
                    restoreBindings(plan, bindings)
                    throw error
                }
                restoreBindings(plan, bindings)
            }
            initialized = outputCount
        }
        return ForwardResult(output: output, finalHidden: states.hidden, finalCell: states.cell)
    }

    /// Floats of the pass's output [T][B][D·H_out].
    private func outputCount(_ problem: ForwardProblem) -> Int {
        problem.steps * problem.batch * model.configuration.directionCount * model.configuration.outputSize
    }

    /// Binds every argument of `plan`'s kernels bound to the first buffer of a pair to the second.
    private func rebind(_ plan: ForwardPlan, _ bindings: [(Buffer, Buffer)]) throws {
        for kernel in plan.kernels {
            for (old, new) in bindings { try kernel.rebind(old, to: new) }
        }
    }

    /// Binds `plan` back to the workspace's buffers after a pass; where that fails the plan is
    /// dropped (rebuilt by the next pass), so no kernel keeps the pass's host memory.
    private func restoreBindings(_ plan: ForwardPlan, _ bindings: [(Buffer, Buffer)]) {
        do {
            try rebind(plan, bindings.map { ($0.1, $0.0) })
        } catch {
            discardPlan()
        }
    }
}
