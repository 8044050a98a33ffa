// The functions a cell applies to its gate pre-activations, as ONNX's LSTM and GRU let a
// model choose them: the activations f, g (and the LSTM's h), a clip on their inputs, and
// the LSTM's coupled input-forget gate. PyTorch's cells are the standard set.
import Foundation

/// An ONNX recurrent-cell activation function with its alpha and beta.
public enum GateActivation: Hashable, Sendable, Codable, CustomStringConvertible {
    case sigmoid, tanh, relu, softsign, softplus
    /// alpha·x + beta.
    case affine(alpha: Float, beta: Float)
    /// x ≥ 0 ? x : alpha·x.
    case leakyRelu(alpha: Float)
    /// x > alpha ? x : 0.
    case thresholdedRelu(alpha: Float)
    /// alpha·tanh(beta·x).
    case scaledTanh(alpha: Float, beta: Float)
    /// max(0, min(1, alpha·x + beta)).
    case hardSigmoid(alpha: Float, beta: Float)
    /// x ≥ 0 ? x : alpha·(eˣ − 1).
    case elu(alpha: Float)

    /// The function in Double, for the CPU reference.
    public func apply(_ x: Double) -> Double {
        switch self {
        case .sigmoid: return 1 / (1 + exp(-x))
        case .tanh: return Foundation.tanh(x)
        case .relu: return max(x, 0)
        case .softsign: return x / (1 + abs(x))
        case .softplus: return log1p(exp(x))
        case .affine(let alpha, let beta): return Double(alpha) * x + Double(beta)
        case .leakyRelu(let alpha): return x >= 0 ? x : Double(alpha) * x
        case .thresholdedRelu(let alpha): return x > Double(alpha) ? x : 0
        case .scaledTanh(let alpha, let beta): return Double(alpha) * Foundation.tanh(Double(beta) * x)
        case .hardSigmoid(let alpha, let beta): return min(1, max(0, Double(alpha) * x + Double(beta)))
        case .elu(let alpha): return x >= 0 ? x : Double(alpha) * (exp(x) - 1)
        }
    }

    /// ONNX's name of the function.
    public var onnxName: String {
        switch self {
        case .sigmoid: return "Sigmoid"
        case .tanh: return "Tanh"
        case .relu: return "Relu"
        case .softsign: return "Softsign"
        case .softplus: return "Softplus"
        case .affine: return "Affine"
        case .leakyRelu: return "LeakyRelu"
        case .thresholdedRelu: return "ThresholdedRelu"
        case .scaledTanh: return "ScaledTanh"
        case .hardSigmoid: return "HardSigmoid"
        case .elu: return "Elu"
        }
    }

    public var description: String {
        switch self {
        case .affine(let alpha, let beta), .scaledTanh(let alpha, let beta), .hardSigmoid(let alpha, let beta):
            return "\(onnxName)(alpha=\(alpha), beta=\(beta))"
        case .leakyRelu(let alpha), .thresholdedRelu(let alpha), .elu(let alpha):
            return "\(onnxName)(alpha=\(alpha))"
        default:
            return onnxName
        }
    }
}

/// The gate functions of a cell: f for the gates (LSTM i, f, o; GRU z, r), g for the
/// candidate (LSTM g; GRU n), h for the LSTM's output of c; an optional clip of every
/// activation's input to [−clip, clip]; and the LSTM's coupled forget gate f = 1 − i.
public struct GateFunctions: Hashable, Sendable, Codable, CustomStringConvertible {
    public var f: GateActivation
    public var g: GateActivation
    /// LSTM only.
    public var h: GateActivation
    /// Bounds every activation's input to [−clip, clip] (ONNX `clip`); nil: no clip.
    public var clip: Float?
    /// LSTM only: f = 1 − i (ONNX `input_forget = 1`).
    public var coupledInputForget: Bool

    public init(f: GateActivation = .sigmoid, g: GateActivation = .tanh, h: GateActivation = .tanh,
                clip: Float? = nil, coupledInputForget: Bool = false) {
        self.f = f
        self.g = g
        self.h = h
        self.clip = clip
        self.coupledInputForget = coupledInputForget
    }

    /// σ, tanh, tanh, no clip, independent gates: torch.nn.LSTM and torch.nn.GRU.
    public static let standard = GateFunctions()

    public var isStandard: Bool { self == .standard }

    /// An activation's input, clipped when the cell clips.
    @inline(__always) public func clipped(_ x: Double) -> Double {
        guard let clip else { return x }
        return min(max(x, -Double(clip)), Double(clip))
    }

    public var description: String {
        var parts = ["f=\(f)", "g=\(g)", "h=\(h)"]
        if let clip { parts.append("clip=\(clip)") }
        if coupledInputForget { parts.append("input_forget") }
        return parts.joined(separator: " ")
    }
}
