// Checking that a graph is well-formed and putting its nodes in an order where every value
// is produced before it is used: each name has one producer, every input is defined, no cycle.

enum ONNXGraphOrder {
    /// Node indices in a topological order (stable: ties keep file order).
    ///
    /// - Throws: ``ONNXError/invalidGraph(path:reason:)`` for a value produced twice, an input
    ///   nothing defines, or a cycle (naming a node on it).
    static func sorted(_ graph: ONNXGraph, defined: Set<String>, source: String) throws -> [Int] {
        var producer: [String: Int] = [:]
        for (index, node) in graph.nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                guard producer[output] == nil, !defined.contains(output) else {
                    throw ONNXError.invalidGraph(path: source, reason: "value '\(output)' is produced more than once (again by node '\(node.displayName)')")
                }
                producer[output] = index
            }
        }
        var waitingOn = [Int](repeating: 0, count: graph.nodes.count)
        var consumers: [Int: [Int]] = [:]
        for (index, node) in graph.nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty {
                if let source = producer[input] {
                    waitingOn[index] += 1
                    consumers[source, default: []].append(index)
                } else if !defined.contains(input) {
                    throw ONNXError.invalidGraph(path: source, reason: "node '\(node.displayName)' (op \(node.opType)) reads '\(input)', which no node, initializer or graph input defines")
                }
            }
        }
        var ready = graph.nodes.indices.filter { waitingOn[$0] == 0 }.reversed() as [Int]
        var order: [Int] = []
        order.reserveCapacity(graph.nodes.count)
        while let next = ready.popLast() {
            order.append(next)
            var released: [Int] = []
            for consumer in consumers[next] ?? [] {
                waitingOn[consumer] -= 1
                if waitingOn[consumer] == 0 { released.append(consumer) }
            }
            ready.append(contentsOf: released.sorted().reversed())
        }
        guard order.count == graph.nodes.count else {
            let stuck = graph.nodes.indices.first { waitingOn[$0] > 0 } ?? 0
            throw ONNXError.invalidGraph(path: source, reason: "the graph has a cycle (node '\(graph.nodes[stuck].displayName)', op \(graph.nodes[stuck].opType), depends on its own output)")
        }
        for output in graph.outputs where producer[output.name] == nil && !defined.contains(output.name) {
            throw ONNXError.invalidGraph(path: source, reason: "graph output '\(output.name)' is not produced by any node")
        }
        return order
    }
}
