// Which graph inputs feed a recurrent node's states and lengths, and which graph outputs
// its final states reach: how `lstm run`'s --h0, --c0, --lengths, --h-n and --c-n find
// their graph values when no --feed or --fetch names them.

extension ONNXProgram {
    /// The graph input that `value` is computed from through the layout nodes, if exactly one.
    public func graphInput(reaching value: String) -> String? {
        let inputNames = Set(inputs.map(\.name))
        var producers: [String: ONNXNode] = [:]
        for case .layout(let node) in steps {
            for output in node.outputs where !output.isEmpty { producers[output] = node }
        }
        var found = Set<String>()
        var pending = [value]
        var seen = Set<String>()
        while let name = pending.popLast() {
            guard seen.insert(name).inserted else { continue }
            if inputNames.contains(name) { found.insert(name); continue }
            // A Shape node reads only its input's shape (PyTorch's zero initial_h is built from
            // Shape(input)): the value it reaches is not fed through it.
            if let node = producers[name], node.opType != "Shape" {
                pending.append(contentsOf: node.inputs.filter { !$0.isEmpty })
            }
        }
        return found.count == 1 ? found.first : nil
    }

    /// The first graph output (in graph order) computed from `value` through layout nodes only.
    public func graphOutput(from value: String) -> String? {
        var consumers: [String: [ONNXNode]] = [:]
        for case .layout(let node) in steps {
            for input in node.inputs where !input.isEmpty { consumers[input, default: []].append(node) }
        }
        var reached = Set<String>()
        var pending = [value]
        while let name = pending.popLast() {
            guard reached.insert(name).inserted else { continue }
            for node in consumers[name] ?? [] { pending.append(contentsOf: node.outputs.filter { !$0.isEmpty }) }
        }
        return outputs.first { reached.contains($0.name) }?.name
    }

    /// What the default flags of `lstm run` bind to: the graph's first input and output, and
    /// the values around the first recurrent node.
    public var defaultBindings: (input: String?, output: String?, initialHidden: String?, initialCell: String?,
                                 lengths: String?, finalHidden: String?, finalCell: String?) {
        let first = recurrentNodes.first
        return (
            inputs.first?.name, outputs.first?.name,
            first?.initialHiddenInput.flatMap(graphInput(reaching:)),
            first?.initialCellInput.flatMap(graphInput(reaching:)),
            first?.lengthsInput.flatMap(graphInput(reaching:)),
            (recurrentNodes.last?.finalHiddenOutput).flatMap(graphOutput(from:)),
            (recurrentNodes.last?.finalCellOutput).flatMap(graphOutput(from:)))
    }
}
