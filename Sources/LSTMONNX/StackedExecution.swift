// Running a stacked chain of recurrent nodes as one forward pass of their multi-layer model:
// the first node's X and sequence_lens, each node's initial_h and initial_c as its layer's
// slice of the model's [L·D, B, H] initial state (zeros where a node has none), and back
// out the last node's Y and each node's Y_h and Y_c as its layer's slice of the final state.
// The layers in between never reach the host: on OpenCL they stay in device buffers.

import LSTMCore

enum StackedExecution {
    static func run(
        _ chain: StackedChain, nodes: [RecurrentNode], values: [String: ONNXArray],
        body: (ForwardProblem) throws -> ForwardResult
    ) throws -> [(String, ONNXArray)] {
        let head = nodes[chain.first]
        let input = try RecurrentExecution.sequence(head, values: values)
        let configuration = chain.pass.model.configuration
        let slice = configuration.directionCount * input.batch * configuration.hiddenSize
        var hidden: [Float] = [], cell: [Float] = []
        var anyHidden = false, anyCell = false
        for index in chain.pass.nodes {
            let (h, c) = try RecurrentExecution.states(nodes[index], values: values, batch: input.batch)
            anyHidden = anyHidden || h != nil
            anyCell = anyCell || c != nil
            hidden += h?.values ?? Array(repeating: 0, count: slice)
            cell += c?.values ?? Array(repeating: 0, count: slice)
        }
        let layers = chain.pass.nodes.count
        let problem = try RecurrentExecution.problem(
            head, configuration, input,
            hidden: anyHidden ? try Tensor(shape: [layers * configuration.directionCount, input.batch, configuration.hiddenSize], values: hidden) : nil,
            cell: anyCell ? try Tensor(shape: [layers * configuration.directionCount, input.batch, configuration.hiddenSize], values: cell) : nil)
        let result = try body(problem)
        var produced: [(String, ONNXArray)] = []
        for (layer, index) in chain.pass.nodes.enumerated() {
            let states = (layer * slice)..<((layer + 1) * slice)
            produced += RecurrentExecution.outputs(
                nodes[index], sequenceOutput: index == chain.last ? result.output : nil,
                finalHidden: Array(result.finalHidden[states]),
                finalCell: configuration.hasCellState ? Array(result.finalCell[states]) : [], input: input)
        }
        return produced
    }
}
