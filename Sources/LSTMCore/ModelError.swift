// Errors about model weights: missing or misshapen tensors, inconsistent variants.

/// A problem with a model's weights or configuration, naming the tensor involved.
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A tensor the configuration requires is absent.
    case missingTensor(name: String)
    /// A tensor has a shape other than the one the rest of the model implies.
    case wrongShape(name: String, shape: [Int], expected: [Int])
    /// A tensor name that is not part of the naming contract.
    case unexpectedTensor(name: String)
    /// The tensors do not describe a consistent model.
    case inconsistent(String)
    /// The configuration itself is unusable.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .missingTensor(let name):
            return "missing tensor '\(name)'"
        case .wrongShape(let name, let shape, let expected):
            return "tensor '\(name)' has shape \(shape), expected \(expected)"
        case .unexpectedTensor(let name):
            return "unexpected tensor '\(name)': not an nn.LSTM state-dict name (weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, weight_hr_l{k}, weight_peephole_l{k}, each with an optional _reverse suffix)"
        case .inconsistent(let message):
            return message
        case .invalidConfiguration(let message):
            return "invalid configuration: \(message)"
        }
    }
}
