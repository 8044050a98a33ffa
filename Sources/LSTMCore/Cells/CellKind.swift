// Which recurrent cell a model is made of, and where that cell's facts are declared.

/// The recurrent cell of a model: `torch.nn.LSTM` or `torch.nn.GRU`.
///
/// Everything that differs between cells (tensors, gates, states, the reference step, the
/// FLOP count) is declared once, by the type ``declaration`` returns.
public enum CellKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case lstm
    case gru

    /// The declaration of this cell's tensors, gates, states and arithmetic.
    public var declaration: any RecurrentCellDeclaration.Type {
        switch self {
        case .lstm: return LSTMCellDeclaration.self
        case .gru: return GRUCellDeclaration.self
        }
    }

    /// `LSTM` or `GRU`, as PyTorch names the modules.
    public var description: String { rawValue.uppercased() }
}
