// The parameter list of every kernel in Kernels/, written once (see KernelSignature.swift).
// Tests/LSTMOpenCLTests/KernelSignatureTests.swift checks each against the compiler.

extension KernelSignature {
    /// input_projection.cl
    static let inputProjection = KernelSignature(name: "input_projection", parameters: [
        "x", "rows", "K", "xStride", "w", "bias", "G", "blocks", "B", "lengths", "firstStep", "reverse",
    ])

    /// input_projection.cl, the persistent form.
    static let inputProjectionPersistent = KernelSignature(name: "input_projection_persistent", parameters: [
        "x", "rows", "K", "xStride", "w", "copyElements", "copies", "bias", "G", "blocks", "B", "lengths", "firstStep",
        "reverse", "claims", "bandBlocks",
    ])

    /// lstm_step.cl
    static let lstmStep = KernelSignature(name: "lstm_step", parameters: [
        "G", "whh", "peephole", "hPrev", "hNext", "c", "out", "hRaw", "lengths",
        "B", "K", "H", "blocks", "stepIndex", "reverse", "outStride", "outOffset", "windowStart",
    ])

    /// lstm_projection.cl
    static let lstmProjection = KernelSignature(name: "lstm_projection", parameters: [
        "hRaw", "whr", "hPrev", "hNext", "out", "lengths",
        "B", "H", "Hp", "P", "stepIndex", "reverse", "outStride", "outOffset",
    ])

    /// lstm_recurrence.cl
    static let lstmRecurrence = KernelSignature(name: "lstm_recurrence", parameters: [
        "G0", "G1", "whh0", "whh1", "peephole0", "peephole1", "hInit0", "hInit1", "cInit0", "cInit1",
        "hRing0", "hRing1", "cRing0", "cRing1", "hRawRing0", "hRawRing1", "whr0", "whr1", "out", "lengths", "sync",
        "B", "K", "H", "blocks", "firstStep", "stepCount", "directions", "outStride", "claim", "ringSlots", "flagStride",
        "rescuePolls", "x", "wih0", "wih1", "bias0", "bias1", "I", "xStride",
    ])

    /// gru_step.cl, linear before reset.
    static let gruStep = KernelSignature(name: "gru_step", parameters: [
        "G", "whh", "recurrentBias", "hPrev", "hNext", "out", "lengths",
        "B", "H", "blocks", "stepIndex", "reverse", "outStride", "outOffset", "windowStart",
    ])

    /// gru_step.cl, reset before W_hn: first launch of a step.
    static let gruResetGate = KernelSignature(name: "gru_reset_gate", parameters: [
        "G", "whh", "hPrev", "resetHidden", "B", "H", "blocks", "stepIndex", "windowStart",
    ])

    /// gru_step.cl, reset before W_hn: second launch of a step.
    static let gruCandidate = KernelSignature(name: "gru_candidate", parameters: [
        "G", "whh", "hPrev", "resetHidden", "hNext", "out", "lengths",
        "B", "H", "blocks", "stepIndex", "reverse", "outStride", "outOffset", "windowStart",
    ])

    /// Every signature, by the kernel file that defines it.
    static let all: [(file: String, signatures: [KernelSignature])] = [
        ("input_projection.cl", [.inputProjection, .inputProjectionPersistent]),
        ("lstm_step.cl", [.lstmStep]),
        ("lstm_projection.cl", [.lstmProjection]),
        ("lstm_recurrence.cl", [.lstmRecurrence]),
        ("gru_step.cl", [.gruStep, .gruResetGate, .gruCandidate]),
    ]
}
