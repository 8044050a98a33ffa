// What one forward pass of an imported graph runs: a single recurrent node, or a chain of
// nodes that together are one stacked model (see StackedChains).

import LSTMCore

/// One forward pass of an ``ONNXProgram``: the recurrent nodes it covers and the model it runs.
public struct RecurrentPass: Sendable {
    /// Indices into ``ONNXProgram/recurrentNodes``: one node, or a stacked chain of consecutive nodes.
    public let nodes: Range<Int>
    /// The model to run: the node's own, or the chain's nodes as the layers of one model
    /// (a `reverse` chain as forward layers run over time-reversed sequences, as for one node).
    public let model: LSTMModel

    public init(nodes: Range<Int>, model: LSTMModel) {
        self.nodes = nodes
        self.model = model
    }

    /// Whether the pass runs more than one node.
    public var isStacked: Bool { nodes.count > 1 }
}

/// Why two consecutive recurrent nodes are not run as one stacked pass (for `lstm inspect`).
public struct StackingBreak: Sendable {
    /// The first node's index in ``ONNXProgram/recurrentNodes``; the second is the next one.
    public let node: Int
    public let reason: String
}
