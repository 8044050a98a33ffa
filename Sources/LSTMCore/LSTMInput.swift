// What a caller hands to a forward pass, and what comes back, in PyTorch's shapes.

/// A batch of sequences with optional initial states and lengths, shaped as for `nn.LSTM` and `nn.GRU`.
public struct LSTMInput: Sendable {
    /// [T, B, I], or [B, T, I] when ``batchFirst`` is set.
    public var sequence: Tensor
    /// h0: [D·L, B, H_out]; zeros when `nil`.
    public var initialHidden: Tensor?
    /// c0: [D·L, B, H]; zeros when `nil`. LSTM only: a GRU has no c state.
    public var initialCell: Tensor?
    /// Valid steps per sequence, each in 1...T, as with packed sequences; all T when `nil`.
    public var lengths: [Int]?
    /// Whether ``sequence`` and the output are [B, T, ·] instead of [T, B, ·].
    public var batchFirst: Bool

    public init(
        sequence: Tensor, initialHidden: Tensor? = nil, initialCell: Tensor? = nil,
        lengths: [Int]? = nil, batchFirst: Bool = false
    ) {
        self.sequence = sequence
        self.initialHidden = initialHidden
        self.initialCell = initialCell
        self.lengths = lengths
        self.batchFirst = batchFirst
    }
}

/// The result of a forward pass, shaped as `nn.LSTM` (or `nn.GRU`) returns it.
public struct LSTMOutput: Sendable {
    /// [T, B, D·H_out] (or [B, T, D·H_out] batch-first); zero past each sequence's length.
    public var output: Tensor
    /// h_n: [D·L, B, H_out], each sequence's state after its own last step.
    public var finalHidden: Tensor
    /// c_n: [D·L, B, H]; `nil` for a GRU, which has no c state.
    public var finalCell: Tensor?

    public init(output: Tensor, finalHidden: Tensor, finalCell: Tensor?) {
        self.output = output
        self.finalHidden = finalHidden
        self.finalCell = finalCell
    }
}
