// Finding, at load time, the recurrent nodes that form one stacked model: node k+1's X is
// computed only from node k's Y, through layout nodes with constant parameters, and nothing
// else reads that Y or the values on the way (except Shape, which needs no data). The nodes
// must agree on everything a multi-layer model shares. Whether the layout nodes really pass
// Y on as the next layer's input ([T, D, B, H] → [T, B, D·H]) is checked again for every
// input shape when the graph runs (StackedChain.stackedShapes), since reshape targets may
// fit one shape only; where it does not hold, the nodes run one by one as before.

import LSTMCore

/// A chain of consecutive recurrent nodes run as one stacked pass.
struct StackedChain: Sendable {
    let pass: RecurrentPass
    /// For each link (node k → k+1), the steps of its layout nodes, in order.
    let links: [[Int]]
    /// The step of each node in the chain.
    let recurrentSteps: [Int]
    /// Whether the layout check was made at load, at the graph's fixed input shape (else it
    /// is made for each fed shape when the graph runs).
    var checkedAtLoad: Bool

    var first: Int { pass.nodes.lowerBound }
    var last: Int { pass.nodes.upperBound - 1 }
}

enum StackedChains {
    typealias Step = ONNXProgram.Step

    /// The chains of `nodes` in `steps`, and why each pair of neighbours that is not chained is not.
    static func find(
        steps: [Step], nodes: [RecurrentNode], constants: [String: ONNXArray], graphOutputs: Set<String>,
        declaredShapes: [String: [Int]], opset: Int64
    ) -> (chains: [StackedChain], breaks: [StackingBreak]) {
        var consumers: [String: [(step: Int, position: Int)]] = [:]
        var recurrentStep: [Int: Int] = [:]
        for (index, step) in steps.enumerated() {
            let inputs: [String]
            switch step {
            case .layout(let node): inputs = node.inputs
            case .recurrent(let node):
                inputs = nodes[node].node.inputs
                recurrentStep[node] = index
            }
            for (position, name) in inputs.enumerated() where !name.isEmpty { consumers[name, default: []].append((index, position)) }
        }
        var chains: [StackedChain] = []
        var breaks: [StackingBreak] = []
        var start = 0
        while start < nodes.count {
            var links: [[Int]] = []
            var end = start
            while end + 1 < nodes.count {
                let link = Result {
                    try Self.link(from: end, nodes, steps: steps, consumers: consumers, constants: constants, graphOutputs: graphOutputs)
                }
                switch link {
                case .failure(let failure):
                    breaks.append(StackingBreak(node: end, reason: (failure as? Refusal)?.reason ?? "\(failure)"))
                case .success(let path):
                    // The final states of the nodes before the new last one are produced only
                    // when the whole chain has run: nothing before that may read them.
                    let lastStep = recurrentStep[end + 1] ?? 0
                    let early = (start...end).lazy.flatMap { [nodes[$0].finalHiddenOutput, nodes[$0].finalCellOutput] }
                        .compactMap { $0 }.first { name in (consumers[name] ?? []).contains { $0.step <= lastStep } }
                    if let early {
                        breaks.append(StackingBreak(node: end, reason: "'\(early)' (a final state of an earlier layer) is read before node \(nodes[end + 1].node.displayName) runs"))
                    } else {
                        links.append(path)
                        end += 1
                        continue
                    }
                }
                break
            }
            if end > start, let model = try? stackedModel(Array(nodes[start...end])) {
                var chain = StackedChain(
                    pass: RecurrentPass(nodes: start..<(end + 1), model: model), links: links,
                    recurrentSteps: (start...end).compactMap { recurrentStep[$0] }, checkedAtLoad: false)
                // Where the graph fixes the first X's shape, the layout check is made now: a
                // feed of another shape is refused before anything runs.
                if let shape = staticShape(of: nodes[start].sequenceInput, steps: steps, constants: constants,
                                           declared: declaredShapes, opset: opset) {
                    if chain.stackedShapes(firstInput: shape, nodes: nodes, steps: steps, constants: constants, opset: opset) == nil {
                        breaks.append(StackingBreak(node: start, reason: "at the graph's input shape the layout nodes after \(nodes[start].node.displayName) do not pass its Y on as a stacked layer's input ([T, D, B, H] → [T, B, D·H])"))
                        breaks.removeAll { $0.node > start }  // found again from start + 1
                        start += 1
                        continue
                    }
                    chain.checkedAtLoad = true
                }
                chains.append(chain)
            }
            start = end + 1
        }
        return (chains, breaks)
    }

    /// The shape of `value` when the graph fixes it: a graph input with fixed dims, or one
    /// moved by layout nodes with constant parameters.
    static func staticShape(
        of value: String, steps: [Step], constants: [String: ONNXArray], declared: [String: [Int]], opset: Int64
    ) -> [Int]? {
        if let shape = declared[value] { return shape }
        for case .layout(let node) in steps where node.outputs.first == value {
            guard let input = node.input(0), LayoutIndexMap.movingOperators.contains(node.opType),
                  let shape = staticShape(of: input, steps: steps, constants: constants, declared: declared, opset: opset)
            else { return nil }
            return (try? LayoutIndexMap(contiguous: shape).applying(node, constants: constants, opset: opset))??.shape
        }
        return nil
    }

    struct Refusal: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The layout steps from node k's Y to node k+1's X, or why the two do not stack.
    private static func link(
        from k: Int, _ nodes: [RecurrentNode], steps: [Step], consumers: [String: [(step: Int, position: Int)]],
        constants: [String: ONNXArray], graphOutputs: Set<String>
    ) throws -> [Int] {
        let (a, b) = (nodes[k], nodes[k + 1])
        try compatible(a, b)
        guard let y = a.sequenceOutput else { throw Refusal("node \(a.node.displayName) does not output Y") }
        var value = y
        var path: [Int] = []
        while path.count <= 32 {
            guard !graphOutputs.contains(value) else { throw Refusal("'\(value)' (from \(a.node.displayName)'s Y) is a graph output") }
            let readers = (consumers[value] ?? []).filter { reader in
                if case .layout(let node) = steps[reader.step], node.opType == "Shape" { return false }
                return true
            }
            guard readers.count == 1, let reader = readers.first else {
                throw Refusal("'\(value)' (from \(a.node.displayName)'s Y) is read by \(readers.count) nodes besides Shape, not only on the way to the next layer")
            }
            switch steps[reader.step] {
            case .recurrent(let index):
                guard index == k + 1, reader.position == 0 else {
                    throw Refusal("'\(value)' reaches node \(nodes[index].node.displayName) but not as the next node's X")
                }
                return path
            case .layout(let node):
                guard LayoutIndexMap.movingOperators.contains(node.opType) else {
                    throw Refusal("'\(value)' goes through \(node.opType) node \(node.displayName), which is not a pure layout op")
                }
                guard reader.position == 0, node.inputs.dropFirst().allSatisfy({ $0.isEmpty || constants[$0] != nil }) else {
                    throw Refusal("layout node \(node.displayName) has parameters that are not constant at load time")
                }
                let outputs = node.outputs.filter { !$0.isEmpty }
                guard outputs.count == 1, let next = outputs.first else { throw Refusal("layout node \(node.displayName) has \(outputs.count) outputs") }
                path.append(reader.step)
                value = next
            }
        }
        throw Refusal("the layout chain after \(a.node.displayName) is longer than 32 nodes")
    }

    /// Whether `b` can be the layer after `a` in one model.
    private static func compatible(_ a: RecurrentNode, _ b: RecurrentNode) throws {
        func refuse(_ what: String, _ x: Any, _ y: Any) -> Refusal { Refusal("different \(what) (\(x), \(y))") }
        guard a.opType == b.opType else { throw refuse("operators", a.opType, b.opType) }
        guard a.direction == b.direction else { throw refuse("directions", a.direction.rawValue, b.direction.rawValue) }
        guard a.layout == b.layout else { throw refuse("layouts", a.layout, b.layout) }
        guard a.hiddenSize == b.hiddenSize else { throw refuse("hidden sizes", a.hiddenSize, b.hiddenSize) }
        guard b.inputSize == a.direction.count * a.hiddenSize else {
            throw Refusal("the second node's input size \(b.inputSize) is not directions × hidden size (\(a.direction.count * a.hiddenSize))")
        }
        guard a.lengthsInput == b.lengthsInput else { throw refuse("sequence_lens inputs", a.lengthsInput ?? "none", b.lengthsInput ?? "none") }
        var shared = a.model.configuration
        shared.inputSize = b.inputSize
        let other = b.model.configuration
        guard shared.gateFunctions == other.gateFunctions else { throw refuse("gate functions", shared.gateFunctions, other.gateFunctions) }
        guard shared == other else {
            throw Refusal("the layers' other attributes differ (bias, peepholes or linear_before_reset)")
        }
    }

    /// The nodes' layer weights as the layers of one model.
    static func stackedModel(_ chain: [RecurrentNode]) throws -> LSTMModel {
        guard let first = chain.first else { throw Refusal("an empty chain") }
        var configuration = first.model.configuration
        configuration.layerCount = chain.count
        return try LSTMModel(configuration: configuration, layers: chain.map { $0.model.layers[0] })
    }
}

extension StackedChain {
    /// For the chain's first X as fed, the shapes of every Y and layout value inside the chain
    /// (which the stacked pass never writes to the host), when each link's layout nodes pass
    /// Y on exactly as stacked layers do; nil when any link does not at this shape.
    func stackedShapes(
        firstInput x: [Int], nodes: [RecurrentNode], steps: [ONNXProgram.Step], constants: [String: ONNXArray], opset: Int64
    ) -> [String: [Int]]? {
        let head = nodes[first]
        guard x.count == 3 else { return nil }
        let directions = head.direction.count, hidden = head.hiddenSize
        let yShape = head.layout == 0
            ? [x[0], directions, x[1], hidden] : [x[0], x[1], directions, hidden]
        guard let expected = LayoutIndexMap.stacking(sequenceOutput: yShape, layout: head.layout) else { return nil }
        var shapes: [String: [Int]] = [:]
        for (offset, path) in links.enumerated() {
            guard let y = nodes[first + offset].sequenceOutput else { return nil }
            shapes[y] = yShape
            var map = LayoutIndexMap(contiguous: yShape)
            for step in path {
                guard case .layout(let node) = steps[step],
                      let next = try? map.applying(node, constants: constants, opset: opset),
                      let output = node.outputs.first(where: { !$0.isEmpty })
                else { return nil }
                map = next
                shapes[output] = map.shape
            }
            guard map.movesLike(expected) else { return nil }
        }
        return shapes
    }
}
