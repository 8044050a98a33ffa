// Running an imported graph: the layout nodes on host arrays, each recurrent node through the
// caller's runner, and each stacked chain as one pass of its multi-layer model when the fed
// shapes keep it stacked (else its nodes one by one, as for any other graph).

import LSTMCore

extension ONNXProgram {
    /// Runs the graph over `feeds` (one array per graph input) and returns every graph output.
    ///
    /// - Throws: ``ONNXError/binding(_:)`` for missing or ill-fitting feeds, ``ONNXError`` from
    ///   the layout nodes, and whatever `runner` throws.
    public func run(feeds: [String: ONNXArray], runner: RecurrentRunner) throws -> [String: ONNXArray] {
        var values = constants
        for input in inputs {
            guard let fed = feeds[input.name] else {
                throw ONNXError.binding("graph input '\(input.name)' \(input.shapeText) is not fed")
            }
            try Self.check(fed, against: input)
            values[input.name] = fed
        }
        for unknown in feeds.keys where !inputs.contains(where: { $0.name == unknown }) {
            throw ONNXError.binding("'\(unknown)' is not an input of the graph (inputs: \(inputs.map(\.name).joined(separator: ", ")))")
        }
        let chainStarting = Dictionary(uniqueKeysWithValues: stackedChains.map { ($0.first, $0) })
        // Values inside a running chain are known by their shape only (Shape nodes may read them).
        var shapeOnly: [String: [Int]] = [:]
        var skipped = Set<Int>()
        var runsAt: [Int: StackedChain] = [:]
        for (position, step) in steps.enumerated() where !skipped.contains(position) {
            switch step {
            case .layout(let node):
                if node.opType == "Shape", let input = node.input(0), values[input] == nil, let shape = shapeOnly[input] {
                    let value = try ONNXOperators.shapeValue(shape, OperatorContext(node: node, opset: opset))
                    for name in node.outputs.prefix(1) where !name.isEmpty { values[name] = value }
                    continue
                }
                let arguments = node.inputs.map { $0.isEmpty ? nil : values[$0] }
                let results = try ONNXOperators.evaluate(node, inputs: arguments, opset: opset, source: file.source)
                for (name, value) in zip(node.outputs, results) where !name.isEmpty { values[name] = value }
            case .recurrent(let index):
                if let chain = chainStarting[index], let x = values[recurrentNodes[index].sequenceInput],
                   let shapes = chain.stackedShapes(firstInput: x.shape, nodes: recurrentNodes, steps: steps, constants: constants, opset: opset) {
                    shapeOnly.merge(shapes) { $1 }
                    skipped.formUnion(chain.links.joined())
                    skipped.formUnion(chain.recurrentSteps.dropFirst().dropLast())
                    runsAt[chain.last] = chain
                    continue
                }
                let results: [(String, ONNXArray)]
                if let chain = runsAt[index] {
                    results = try StackedExecution.run(chain, nodes: recurrentNodes, values: values) { try runner(chain.pass, $0) }
                } else {
                    let node = recurrentNodes[index]
                    let pass = RecurrentPass(nodes: index..<(index + 1), model: node.model)
                    results = try RecurrentExecution.run(node, values: values) { try runner(pass, $0) }
                }
                for (name, value) in results { values[name] = value }
            }
        }
        var results: [String: ONNXArray] = [:]
        for output in outputs {
            guard let value = values[output.name] else {
                throw ONNXError.invalidGraph(path: file.source, reason: "graph output '\(output.name)' was not computed")
            }
            results[output.name] = value
        }
        return results
    }
}
