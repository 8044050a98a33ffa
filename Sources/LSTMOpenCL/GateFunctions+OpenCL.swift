// The compiler definitions that select a model's gate functions in the kernels
// (common.cl: GATE_F/G/H, their alphas and betas, GATE_CLIP, COUPLED_INPUT_FORGET).
import LSTMCore

extension GateActivation {
    /// The kind number gate_activation in common.cl switches on, with alpha and beta.
    var kernelKind: (kind: Int, alpha: Float, beta: Float) {
        switch self {
        case .sigmoid: return (0, 0, 0)
        case .tanh: return (1, 0, 0)
        case .relu: return (2, 0, 0)
        case .softsign: return (3, 0, 0)
        case .softplus: return (4, 0, 0)
        case .affine(let alpha, let beta): return (5, alpha, beta)
        case .leakyRelu(let alpha): return (6, alpha, 0)
        case .thresholdedRelu(let alpha): return (7, alpha, 0)
        case .scaledTanh(let alpha, let beta): return (8, alpha, beta)
        case .hardSigmoid(let alpha, let beta): return (9, alpha, beta)
        case .elu(let alpha): return (10, alpha, 0)
        }
    }
}

extension GateFunctions {
    /// Empty for the standard set (the kernels' defaults), else every definition.
    var compilerDefinitions: String {
        guard !isStandard else { return "" }
        // Swift prints the shortest decimal that reads back as the same Float, and the OpenCL
        // C compiler rounds decimal literals correctly: the kernel sees the host's values.
        func literal(_ value: Float) -> String { "\(value)f" }
        var parts: [String] = []
        for (name, activation) in [("F", f), ("G", g), ("H", h)] {
            let (kind, alpha, beta) = activation.kernelKind
            parts += ["-D GATE_\(name)=\(kind)", "-D GATE_\(name)_ALPHA=\(literal(alpha))", "-D GATE_\(name)_BETA=\(literal(beta))"]
        }
        parts.append("-D GATE_CLIP=\(literal(clip ?? 0))")
        parts.append("-D COUPLED_INPUT_FORGET=\(coupledInputForget ? 1 : 0)")
        return parts.joined(separator: " ")
    }
}
