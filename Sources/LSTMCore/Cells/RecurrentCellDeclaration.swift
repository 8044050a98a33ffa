// The one place a cell kind states its facts. Model validation, state-dict loading, random
// models, the CPU reference, FLOP counts and state shapes all read them from here.

/// One tensor of a layer's weights: its state-dict kind (`weight_ih`, ...) and shape.
public struct WeightTensorSpec: Sendable, Equatable {
    /// The state-dict kind, e.g. `weight_hh` (the name without `_l{k}` and `_reverse`).
    public let kind: String
    /// The shape PyTorch gives it.
    public let shape: [Int]

    public init(kind: String, shape: [Int]) {
        self.kind = kind
        self.shape = shape
    }
}

/// A recurrent state a cell carries from step to step.
public enum RecurrentState: String, Sendable, CaseIterable {
    /// h: the hidden state every cell emits ([D·L, B, H_out]).
    case hidden
    /// c: the LSTM's cell state ([D·L, B, H]).
    case cell
}

/// What a cell kind declares once: its tensors, gates, states, reference step and cost.
public protocol RecurrentCellDeclaration {
    /// The cell this declares.
    static var kind: CellKind { get }
    /// Gate names in the order their rows are stacked in `weight_ih` and `weight_hh`.
    static var gateNames: [String] { get }
    /// The states carried between steps, h first.
    static var states: [RecurrentState] { get }
    /// Every tensor one layer-direction has in this configuration, in state-dict order.
    static func weightTensors(layer: Int, _ configuration: LSTMConfiguration) -> [WeightTensorSpec]
    /// Multiply-adds of one step of one sequence through one layer-direction.
    static func multiplyAddsPerStep(layer: Int, _ configuration: LSTMConfiguration) -> Int
    /// Advances the reference state of one sequence by one step with input `x`, in Double.
    static func referenceStep(_ weights: ReferenceLayerWeights, x: ArraySlice<Double>, state: inout ReferenceState)
}

extension RecurrentCellDeclaration {
    /// Gates per unit: rows of `weight_hh` per hidden unit.
    public static var gateCount: Int { gateNames.count }
    /// Whether the cell carries a c state.
    public static var hasCellState: Bool { states.contains(.cell) }
}
